using System.Globalization;

namespace MlxSupervisor.SimServer.Options;

/// <summary>
/// One command-line flag: its name, its help, and how its value changes <see cref="SimOptions"/>.
/// The environment variable is derived from the name, so the two can never drift apart.
/// </summary>
internal sealed class SimFlag
{
    private static readonly string[] TrueWords = ["1", "true", "yes", "on"];
    private static readonly string[] FalseWords = ["", "0", "false", "no", "off"];

    private readonly Func<SimOptions, string?, (SimOptions? Options, string? Error)> _apply;

    private SimFlag(string name, string help, string? valueName, bool hidden, bool readsEnvironment,
        Func<SimOptions, string?, (SimOptions?, string?)> apply)
    {
        Name = name;
        Help = help;
        ValueName = valueName;
        Hidden = hidden;
        ReadsEnvironment = readsEnvironment;
        _apply = apply;
    }

    public string Name { get; }

    public string Help { get; }

    /// <summary>How help shows the value (<c>&lt;n&gt;</c>), or null for a switch.</summary>
    public string? ValueName { get; }

    public bool TakesValue => ValueName is not null;

    /// <summary>Internal plumbing (helper mode): not listed in help.</summary>
    public bool Hidden { get; }

    /// <summary>Whether <see cref="EnvironmentVariable"/> is read at all.</summary>
    public bool ReadsEnvironment { get; }

    /// <summary><c>--crash-after-ms</c> becomes <c>MLXSIM_CRASH_AFTER_MS</c>.</summary>
    public string EnvironmentVariable =>
        "MLXSIM_" + Name[2..].Replace('-', '_').ToUpperInvariant();

    /// <param name="hidden">Internal plumbing: neither listed in help nor read from the environment.</param>
    /// <param name="readsEnvironment">False for flags that make no sense as a variable, like --help.</param>
    public static SimFlag Switch(string name, string help, Func<SimOptions, SimOptions> set, bool hidden = false,
        bool readsEnvironment = true) =>
        new(name, help, valueName: null, hidden, readsEnvironment && !hidden, (options, value) =>
        {
            // From the command line a switch has no value; from the environment it is a word.
            if (value is null || TrueWords.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase))
                return (set(options), null);
            if (FalseWords.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase))
                return (options, null);
            return (null, $"expects true or false, got '{value}'");
        });

    public static SimFlag Int(string name, string help, int min, int max, Func<SimOptions, int, SimOptions> set) =>
        new(name, help, "<n>", hidden: false, readsEnvironment: true, (options, value) =>
            int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                && number >= min && number <= max
                ? (set(options, number), null)
                : (null, $"expects an integer from {min} to {max}, got '{value}'"));

    /// <param name="validate">Returns what is wrong with a value, or null when it is fine.</param>
    public static SimFlag Text(string name, string help, Func<SimOptions, string, SimOptions> set,
        Func<string, string?>? validate = null) =>
        new(name, help, "<value>", hidden: false, readsEnvironment: true, (options, value) =>
            string.IsNullOrWhiteSpace(value) ? (null, "expects a non-empty value")
            : validate?.Invoke(value) is { } problem ? (null, problem)
            : (set(options, value), null));

    /// <returns>The changed options, or an error that says what the flag expects.</returns>
    public (SimOptions? Options, string? Error) Apply(SimOptions options, string? value) => _apply(options, value);
}
