namespace MlxSupervisor.Process;

/// <summary>
/// What tells one process apart from a later one that got the same pid: when it started, and what it runs.
/// </summary>
/// <param name="StartTime">In the OS's own unit: clock ticks since boot on Linux (/proc/[pid]/stat field 22),
/// microseconds since the epoch on macOS. Only ever compared with a value read the same way on the same machine.</param>
/// <param name="CommandLine">argv as the process sees it now: after exec, and after a script's interpreter took over.</param>
public sealed record ProcessIdentity(long StartTime, IReadOnlyList<string> CommandLine);
