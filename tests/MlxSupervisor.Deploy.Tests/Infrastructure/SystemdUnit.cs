using System.Globalization;

namespace MlxSupervisor.Deploy.Tests.Infrastructure;

/// <summary>The keys of a systemd unit file, by "Section.Key", each with its values in order.</summary>
internal sealed class SystemdUnit
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public static SystemdUnit Parse(string text)
    {
        var unit = new SystemdUnit();
        var section = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
                continue;
            if (line[0] == '[')
            {
                section = line.Trim('[', ']');
                continue;
            }
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var key = $"{section}.{line[..equals].Trim()}";
            if (!unit._values.TryGetValue(key, out var values))
                unit._values[key] = values = [];
            values.Add(line[(equals + 1)..].Trim());
        }
        return unit;
    }

    /// <summary>The last value of the key, as systemd takes it for single-valued keys.</summary>
    public string this[string key] => _values.TryGetValue(key, out var values) ? values[^1] : throw new KeyNotFoundException($"The unit has no {key}.");

    public IReadOnlyList<string> All(string key) => _values.TryGetValue(key, out var values) ? values : [];

    /// <summary>A systemd time span without a unit is seconds; "30s", "1min" and "1min 30s" are read too.</summary>
    public TimeSpan Seconds(string key)
    {
        var total = TimeSpan.Zero;
        foreach (var part in this[key].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var digits = new string([.. part.TakeWhile(char.IsAsciiDigit)]);
            var number = double.Parse(digits, CultureInfo.InvariantCulture);
            total += part[digits.Length..] switch
            {
                "" or "s" or "sec" => TimeSpan.FromSeconds(number),
                "min" or "m" => TimeSpan.FromMinutes(number),
                var suffix => throw new FormatException($"{key} has a unit this reader does not know: {suffix}"),
            };
        }
        return total;
    }
}
