using MlxSupervisor.Health;

namespace MlxSupervisor.Process;

/// <summary>How a server process ended.</summary>
/// <param name="ExitCode">
/// The exit status as the shell reports it, 128+N when signal N killed it. Null while unknown: the runtime
/// reaps the child, and CliWrap reports the status only once the output pipes close, which a process the
/// server started can delay until it too is stopped. Always null for an adopted server, which is not our child.
/// </param>
public sealed record ServerExit(int? ExitCode, DateTimeOffset At)
{
    /// <summary>The server was adopted, not spawned: no one tells the daemon its exit status.</summary>
    public bool NotOurChild { get; init; }

    /// <summary>The signal that killed the process, decoded from 128+N; null for a normal exit.</summary>
    public string? Signal => ExitCode is > 128 and < 128 + 65 ? Signals.Name(ExitCode.Value - 128) : null;

    /// <summary>A human reading of the exit, with the likely cause where one is common.</summary>
    /// <param name="stderrTail">The server's last stderr lines: a SIGABRT after Metal's out-of-memory text is named as such.</param>
    public string Describe(IReadOnlyList<string>? stderrTail = null) => (ExitCode, Signal) switch
    {
        (null, _) when NotOurChild => "with a code the daemon cannot know (an adopted server is not its child)",
        (null, _) => "with its code not yet known (processes it started still hold its output)",
        (_, "SIGKILL") => $"code={ExitCode} (SIGKILL, often the system killing it for memory)",
        (_, "SIGABRT") when stderrTail?.Any(MlxFailureText.IsMetalOutOfMemory) == true => $"code={ExitCode} (SIGABRT: {MlxFailureText.MetalOutOfMemory})",
        (_, "SIGABRT") => $"code={ExitCode} (SIGABRT: the server aborted)",
        (_, { } name) => $"code={ExitCode} ({name})",
        _ => $"code={ExitCode}",
    };
}
