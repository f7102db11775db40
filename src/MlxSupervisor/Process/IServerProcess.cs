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
    /// SIGTERM to the server and everything it started, then SIGKILL to whatever is left after
    /// <paramref name="gracePeriod"/>. Also cleans up after a server that already died on its own.
    /// </summary>
    Task<StopOutcome> StopAsync(TimeSpan gracePeriod);
}

/// <summary>How a stop went.</summary>
/// <param name="Killed">SIGKILL was needed.</param>
/// <param name="Survivors">Processes still there after SIGKILL and a bounded wait; should be empty.</param>
public sealed record StopOutcome(bool Killed, TimeSpan Took, ServerExit Exit, IReadOnlyList<int> Survivors);
