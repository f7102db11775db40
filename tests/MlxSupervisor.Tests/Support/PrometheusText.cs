using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MlxSupervisor.Tests.Support;

/// <summary>
/// A strict reader of the Prometheus text exposition format (0.0.4): every sample belongs to a family declared
/// by # TYPE and # HELP before it, names and labels follow the grammar, no series repeats, and histograms are
/// cumulative with a +Inf bucket equal to their count. Anything else is a <see cref="FormatException"/> naming the line.
/// </summary>
public sealed partial class PrometheusText
{
    private static readonly HashSet<string> Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);

    private PrometheusText()
    {
    }

    public IReadOnlyDictionary<string, Family> Families => _families;

    public sealed class Family(string name)
    {
        public string Name { get; } = name;

        public string? Type { get; set; }

        public string? Help { get; set; }

        public List<Sample> Samples { get; } = [];
    }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public string Series => Name + "{" + string.Join(",", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";
    }

    /// <summary>The value of the one sample named <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
    {
        var matches = AllSamples().Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        return matches.Count == 1
            ? matches[0].Value
            : throw new InvalidOperationException($"{matches.Count} samples match {name} {string.Join(",", labels)}");
    }

    /// <summary>The sum over every sample named <paramref name="name"/>.</summary>
    public double Sum(string name) => AllSamples().Where(s => s.Name == name).Sum(s => s.Value);

    public IEnumerable<Sample> AllSamples() => _families.Values.SelectMany(f => f.Samples);

    public static PrometheusText Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n'))
            throw new FormatException("The exposition does not end with a line feed.");
        var result = new PrometheusText();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var line = lines[i];
            try
            {
                if (line.Length == 0)
                    continue;
                if (line.StartsWith('#'))
                    result.ReadComment(line);
                else
                    result.ReadSample(line, seen);
            }
            catch (FormatException e)
            {
                throw new FormatException($"Line {i + 1} '{line}': {e.Message}", e);
            }
        }
        foreach (var family in result._families.Values)
            CheckFamily(family);
        return result;
    }

    private void ReadComment(string line)
    {
        var parts = line.Split(' ', 4);
        if (parts.Length < 3 || parts[0] != "#" || (parts[1] != "HELP" && parts[1] != "TYPE"))
            return; // A plain comment.
        var name = parts[2];
        if (MetricName().Match(name) is not { Success: true, Index: 0 } whole || whole.Length != name.Length)
            throw new FormatException($"'{name}' is not a metric name.");
        var family = _families.TryGetValue(name, out var f) ? f : _families[name] = new Family(name);
        var rest = parts.Length == 4 ? parts[3] : "";
        if (parts[1] == "HELP")
        {
            if (family.Help is not null)
                throw new FormatException("A second HELP line.");
            family.Help = UnescapeHelp(rest);
            return;
        }
        if (family.Type is not null)
            throw new FormatException("A second TYPE line.");
        if (family.Samples.Count > 0)
            throw new FormatException("TYPE after the family's first sample.");
        if (!Types.Contains(rest))
            throw new FormatException($"'{rest}' is not a metric type.");
        family.Type = rest;
    }

    private void ReadSample(string line, HashSet<string> seen)
    {
        var name = MetricName().Match(line) is { Success: true, Index: 0 } m ? m.Value : throw new FormatException("No metric name.");
        var at = name.Length;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (at < line.Length && line[at] == '{')
            at = ReadLabels(line, at + 1, labels);
        if (at >= line.Length || line[at] != ' ')
            throw new FormatException("No space before the value.");
        var fields = line[(at + 1)..].Split(' ');
        if (fields.Length is < 1 or > 2)
            throw new FormatException("Expected a value and an optional timestamp.");
        var value = ParseValue(fields[0]);
        if (fields.Length == 2 && !long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            throw new FormatException($"'{fields[1]}' is not a timestamp.");

        var family = FamilyOf(name) ?? throw new FormatException($"Sample {name} has no # TYPE before it.");
        var sample = new Sample(name, labels, value);
        if (!seen.Add(sample.Series))
            throw new FormatException($"Series {sample.Series} appears twice.");
        family.Samples.Add(sample);
    }

    private Family? FamilyOf(string sampleName)
    {
        if (_families.TryGetValue(sampleName, out var exact) && exact.Type is not null)
            return exact;
        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal)
                && _families.TryGetValue(sampleName[..^suffix.Length], out var f) && f.Type is "histogram" or "summary")
            {
                return f;
            }
        }
        return null;
    }

    private static int ReadLabels(string line, int at, Dictionary<string, string> labels)
    {
        while (true)
        {
            if (at >= line.Length)
                throw new FormatException("Unterminated label set.");
            if (line[at] == '}')
                return at + 1;
            var name = LabelName().Match(line, at) is { Success: true } m && m.Index == at ? m.Value : throw new FormatException($"Bad label name at {at}.");
            at += name.Length;
            if (at + 1 >= line.Length || line[at] != '=' || line[at + 1] != '"')
                throw new FormatException($"Expected =\" after label {name}.");
            at += 2;
            var value = new StringBuilder();
            while (true)
            {
                if (at >= line.Length)
                    throw new FormatException($"Unterminated value of label {name}.");
                var c = line[at++];
                if (c == '"')
                    break;
                if (c == '\\')
                {
                    var next = at < line.Length ? line[at++] : throw new FormatException("Dangling escape.");
                    value.Append(next switch { '\\' => '\\', '"' => '"', 'n' => '\n', _ => throw new FormatException($"Bad escape \\{next}.") });
                }
                else
                {
                    value.Append(c);
                }
            }
            if (!labels.TryAdd(name, value.ToString()))
                throw new FormatException($"Label {name} twice.");
            if (at < line.Length && line[at] == ',')
                at++;
            else if (at >= line.Length || line[at] != '}')
                throw new FormatException($"Expected , or }} after label {name}.");
        }
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"'{text}' is not a number."),
    };

    /// <summary>HELP text escapes only backslash and line feed.</summary>
    private static string UnescapeHelp(string text)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                result.Append(text[i]);
                continue;
            }
            var next = ++i < text.Length ? text[i] : throw new FormatException("Dangling escape in HELP.");
            result.Append(next switch { '\\' => '\\', 'n' => '\n', _ => throw new FormatException($"Bad escape \\{next} in HELP.") });
        }
        return result.ToString();
    }

    private static void CheckFamily(Family family)
    {
        if (family.Samples.Count == 0)
            return;
        if (family.Help is null)
            throw new FormatException($"Family {family.Name} has no # HELP.");
        if (family.Type == "counter" && family.Samples.Any(s => s.Value < 0 || double.IsNaN(s.Value)))
            throw new FormatException($"Counter {family.Name} has a negative value.");
        if (family.Type == "histogram")
            CheckHistogram(family);
    }

    private static void CheckHistogram(Family family)
    {
        string Key(Sample s) => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
        foreach (var series in family.Samples.GroupBy(Key))
        {
            var buckets = series.Where(s => s.Name == family.Name + "_bucket")
                .Select(s => (Le: ParseValue(s.Labels.TryGetValue("le", out var le) ? le : throw new FormatException($"{family.Name} bucket without le")), s.Value))
                .ToList();
            var count = series.SingleOrDefault(s => s.Name == family.Name + "_count") ?? throw new FormatException($"{family.Name}{{{series.Key}}} has no _count.");
            _ = series.SingleOrDefault(s => s.Name == family.Name + "_sum") ?? throw new FormatException($"{family.Name}{{{series.Key}}} has no _sum.");
            for (var i = 1; i < buckets.Count; i++)
            {
                if (buckets[i].Le <= buckets[i - 1].Le || buckets[i].Value < buckets[i - 1].Value)
                    throw new FormatException($"{family.Name}{{{series.Key}}} buckets are not increasing and cumulative.");
            }
            if (buckets.Count == 0 || !double.IsPositiveInfinity(buckets[^1].Le) || buckets[^1].Value != count.Value)
                throw new FormatException($"{family.Name}{{{series.Key}}} has no +Inf bucket equal to its count.");
        }
    }

    [GeneratedRegex("[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex MetricName();

    [GeneratedRegex("[a-zA-Z_][a-zA-Z0-9_]*")]
    private static partial Regex LabelName();
}
