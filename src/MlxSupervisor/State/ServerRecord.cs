namespace MlxSupervisor.State;

/// <summary>
/// What the state file says about the server a daemon started: enough to find it again after the daemon
/// was SIGKILLed, and to be sure it is still that process and not a later one that got the same pid.
/// </summary>
/// <param name="StartTime">The OS's start time of <paramref name="Pid"/>, read right after the spawn (see <see cref="Process.ProcessIdentity"/>).</param>
/// <param name="Command">The configured command; its file name must still appear in the process's command line.</param>
/// <param name="Arguments">The configured arguments; the process's command line must still end with them.</param>
public sealed record ServerRecord(
    int Pid,
    int GroupId,
    long StartTime,
    string Command,
    IReadOnlyList<string> Arguments,
    int DaemonPid,
    DateTimeOffset SpawnedAt)
{
    /// <summary>
    /// Whether <paramref name="live"/> is the process this record describes. The start time decides; the command
    /// line is checked too, loosely (<see cref="Process.ServerCommandLine"/>), since it changes on the way: the
    /// launcher's own argv until it exec's, then an interpreter's when the command is a script.
    /// </summary>
    public bool Matches(Process.ProcessIdentity live) =>
        live.StartTime == StartTime && Process.ServerCommandLine.Runs(live.CommandLine, Command, Arguments);
}
