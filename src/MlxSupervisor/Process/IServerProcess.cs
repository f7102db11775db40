namespace MlxSupervisor.Process;

/// <summary>One running server and every process it started.</summary>
public interface IServerProcess : IAsyncDisposable
{
    int Pid { get; }

    DateTimeOffset StartedAt { get; }

    /// <summary>Completes the moment the server itself exits, whoever still holds its output pipes.</summary>
    Task<ServerExit> Exited { get; }

    /// <summary>The last lines the server wrote to stderr, oldest first.</summary>
    IReadOnlyList<string> RecentStderr { get; }

    /// <summary>
    /// Completes with the first line the server printed, on either stream, that matches <c>Health:FatalOutput</c>;
    /// never completes when none does, or when the daemon cannot read the server's output (an adopted server).
    /// </summary>
    Task<string> FatalLine => NeverFatal.Line;

    /// <summary>
    /// True when the daemon did not spawn this server but took over one that was already running (<c>Server:Adopt</c>):
    /// it is not the daemon's child, so its exit code cannot be learned and its output is not the daemon's to read.
    /// </summary>
    bool Adopted => false;

    /// <summary>
    /// SIGTERM to the server and everything it started, then SIGKILL to whatever is left after
    /// <paramref name="gracePeriod"/>. Also cleans up after a server that already died on its own.
    /// </summary>
    Task<StopOutcome> StopAsync(TimeSpan gracePeriod);
}

/// <summary>The fatal line of a server whose output is never matched.</summary>
internal static class NeverFatal
{
    public static readonly Task<string> Line = new TaskCompletionSource<string>().Task;
}

/// <summary>How a stop went.</summary>
/// <param name="Killed">SIGKILL was needed.</param>
/// <param name="Survivors">Processes still there after SIGKILL and a bounded wait; should be empty.</param>
public sealed record StopOutcome(bool Killed, TimeSpan Took, ServerExit Exit, IReadOnlyList<int> Survivors);
