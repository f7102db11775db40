namespace MlxSupervisor.Process;

/// <summary>How a server process ended.</summary>
/// <param name="ExitCode">The exit status as the shell reports it: 128+N when signal N killed it.</param>
public sealed record ServerExit(int ExitCode, DateTimeOffset At)
{
    /// <summary>The signal that killed the process, decoded from 128+N; null for a normal exit.</summary>
    public string? Signal => ExitCode > 128 && ExitCode < 128 + 65 ? Signals.Name(ExitCode - 128) : null;

    /// <summary>A human reading of the exit, with the likely cause where one is common.</summary>
    public string Describe() => (ExitCode, Signal) switch
    {
        (_, "SIGKILL") => $"code={ExitCode} (SIGKILL, often the system killing it for memory)",
        (_, { } name) => $"code={ExitCode} ({name})",
        _ => $"code={ExitCode}",
    };
}
