namespace MlxSupervisor.Process;

/// <summary>How a server process ended.</summary>
/// <param name="ExitCode">
/// The exit status as the shell reports it, 128+N when signal N killed it. Null while unknown: the runtime
/// reaps the child, and CliWrap reports the status only once the output pipes close, which a process the
/// server started can delay until it too is stopped.
/// </param>
public sealed record ServerExit(int? ExitCode, DateTimeOffset At)
{
    /// <summary>The signal that killed the process, decoded from 128+N; null for a normal exit.</summary>
    public string? Signal => ExitCode is > 128 and < 128 + 65 ? Signals.Name(ExitCode.Value - 128) : null;

    /// <summary>A human reading of the exit, with the likely cause where one is common.</summary>
    public string Describe() => (ExitCode, Signal) switch
    {
        (null, _) => "with its code not yet known (processes it started still hold its output)",
        (_, "SIGKILL") => $"code={ExitCode} (SIGKILL, often the system killing it for memory)",
        (_, { } name) => $"code={ExitCode} ({name})",
        _ => $"code={ExitCode}",
    };
}
