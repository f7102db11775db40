namespace MlxSupervisor.Configuration;

/// <summary>
/// One server of the fleet, as the daemon runs it: its name, the models it serves, when it runs, and its own
/// <see cref="SupervisorOptions"/> (the top-level sections with its own laid over them). Without
/// <c>Supervisor:Servers</c> there is one, named <see cref="DefaultName"/>, which serves every model and whose options
/// are the top-level ones, exactly as before there were fleets.
/// </summary>
public sealed class ServerSettings
{
    public const string DefaultName = "default";

    public required string Name { get; init; }

    /// <summary>The models it serves; empty for the single server of the settings without <c>Servers</c>, which serves every model.</summary>
    public required IReadOnlyList<string> Models { get; init; }

    public ServerStart Start { get; init; } = ServerStart.AtBoot;

    public TimeSpan? IdleTimeout { get; init; }

    /// <summary><c>MemoryEstimate</c> in bytes; null when unset.</summary>
    public long? MemoryEstimateBytes { get; init; }

    public required int MaxConcurrentRequests { get; init; }

    /// <summary>Its sections, whole: Server, Health, Restart, CircuitBreaker, Shutdown, Memory, and the top-level Proxy,
    /// State, Status and Notify.</summary>
    public required SupervisorOptions Options { get; init; }

    /// <summary>Where its keys are, for messages: <c>Supervisor:Servers:coder</c>, or <c>Supervisor</c> for the single server.</summary>
    public required string KeyPrefix { get; init; }

    /// <summary>True for the one server of the settings without <c>Servers</c>.</summary>
    public bool IsSingle => Models.Count == 0;

    /// <summary>The port the front door forwards to: that of its Health:Url. Call only on validated settings.</summary>
    public int Port => new Uri(Options.Health.Url!).Port;

    public bool Serves(string model) => Models.Contains(model, StringComparer.OrdinalIgnoreCase);
}
