namespace MlxSupervisor.SimServer.Options;

/// <summary>
/// Turns environment variables and arguments into <see cref="SimOptions"/>. The environment is read first
/// and the command line second, so a flag wins over its variable.
/// </summary>
/// <remarks>Hand-written on purpose: this is a test double, and a table of flags is all it needs.</remarks>
internal static class SimOptionsParser
{
    public static SimParseResult Parse(IReadOnlyList<string> args, Func<string, string?> getEnvironmentVariable)
    {
        var options = new SimOptions();

        foreach (var flag in SimFlags.All.Where(f => f.ReadsEnvironment))
        {
            var value = getEnvironmentVariable(flag.EnvironmentVariable);
            if (value is null)
                continue;
            (var applied, var error) = flag.Apply(options, value);
            if (applied is null)
                return SimParseResult.Failure($"{flag.EnvironmentVariable} {error}");
            options = applied;
        }

        for (var i = 0; i < args.Count; i++)
        {
            // Both "--port 8081" and "--port=8081" are accepted.
            var (name, inlineValue) = SplitInlineValue(args[i]);
            var flag = SimFlags.All.FirstOrDefault(f => f.Name == name);
            if (flag is null)
                return SimParseResult.Failure($"unknown flag {args[i]} (try --help)");

            string? value = null;
            if (flag.TakesValue)
            {
                value = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                if (value is null)
                    return SimParseResult.Failure($"{flag.Name} needs a value");
            }
            else if (inlineValue is not null)
            {
                return SimParseResult.Failure($"{flag.Name} takes no value");
            }

            (var applied, var error) = flag.Apply(options, value);
            if (applied is null)
                return SimParseResult.Failure($"{flag.Name} {error}");
            options = applied;
        }

        return SimOptionsRules.Check(options) is { } problem
            ? SimParseResult.Failure(problem)
            : SimParseResult.Success(options);
    }

    public static string Help()
    {
        var lines = SimFlags.All
            .Where(f => !f.Hidden)
            .Select(f => $"  {f.Name + (f.TakesValue ? " " + f.ValueName : ""),-34} {f.Help}"
                + (f.ReadsEnvironment ? $"  [{f.EnvironmentVariable}]" : ""));
        return "usage: mlx-sim-server [flags]   (a stand-in for mlx_lm.server; flags win over MLXSIM_* variables)"
            + Environment.NewLine + string.Join(Environment.NewLine, lines);
    }

    private static (string Name, string? Value) SplitInlineValue(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 0
            ? (arg[..equals], arg[(equals + 1)..])
            : (arg, null);
    }
}
