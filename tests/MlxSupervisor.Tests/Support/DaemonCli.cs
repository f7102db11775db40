using CliWrap;
using CliWrap.Buffered;

namespace MlxSupervisor.Tests.Support;

/// <summary>Runs a verb of the real mlx-supervisor executable (status, restart, validate-config...) to its end, bounded.</summary>
public static class DaemonCli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public static Task<Result> RunAsync(params string[] arguments) => RunInAsync(Path.GetTempPath(), arguments);

    /// <summary>Runs the verb with <paramref name="logDirectory"/> as its MLXSUP_LOG_DIR.</summary>
    public static async Task<Result> RunInAsync(string logDirectory, params string[] arguments)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await Cli.Wrap(Repo.Daemon)
            .WithArguments(arguments)
            .WithEnvironmentVariables(e => e.Set("MLXSUP_LOG_DIR", logDirectory))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(bound.Token);
        return new Result(result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
