namespace MlxSupervisor.Configuration;

/// <summary>
/// The keys of one entry of <c>Supervisor:Servers</c> that are not sections: which models it serves and when it runs.
/// Its <c>Server</c>, <c>Health</c>, <c>Restart</c>, <c>CircuitBreaker</c>, <c>Shutdown</c> and <c>Memory</c> sections
/// are laid over the top-level ones (<see cref="FleetSettings"/>).
/// </summary>
public sealed class ServerEntryOptions
{
    /// <summary>The <c>model</c> names requests use for this server, matched exactly but for case. At least one.</summary>
    public IList<string> Models { get; set; } = [];

    /// <value>Default: <see cref="ServerStart.AtBoot"/>.</value>
    public ServerStart Start { get; set; } = ServerStart.AtBoot;

    /// <summary>An OnDemand server is stopped this long after its last request ("idle for 10 min"), which is not a failure.</summary>
    /// <value>Default: null, never.</value>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>The memory it holds once loaded, a size as in <c>Memory:MaxServerMemory</c>; what the memory budget counts
    /// until the server has run, and its measured peak after that.</summary>
    /// <value>Default: null; required when <c>Fleet:MemoryBudget</c> is set.</value>
    public string? MemoryEstimate { get; set; }

    /// <summary>Requests this server works on at once.</summary>
    /// <value>Default: null, <c>Proxy:MaxConcurrentRequests</c>.</value>
    public int? MaxConcurrentRequests { get; set; }
}
