using System.Text.Json.Serialization;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Status;

/// <summary>One server of the fleet in GET /status's <c>servers</c>. Times are ISO 8601 UTC; durations are seconds.</summary>
/// <param name="Name">As under <c>Supervisor:Servers</c>; "default" for the single server of settings without them.</param>
/// <param name="Models">The models routed to it; empty for the single server, which serves every model.</param>
/// <param name="Start">AtBoot or OnDemand.</param>
/// <param name="Since">When the supervisor entered <paramref name="State"/>.</param>
/// <param name="Uptime">Seconds the current server process has run; null when none runs.</param>
/// <param name="FootprintBytes">The measured memory of its process tree (phys_footprint on macOS, resident set on Linux); null when none runs.</param>
/// <param name="EstimateBytes">Its <c>MemoryEstimate</c>; null when unset.</param>
/// <param name="StoppedFor">While it is held stopped: why, and whether a request for its models starts it.</param>
/// <param name="InFlight">Requests forwarded to it and not yet finished.</param>
/// <param name="Queued">Requests for it waiting for their turn.</param>
/// <param name="LastRequestAt">When a request was last handed to it or last ended; null if never.</param>
/// <param name="FrontDoor">The front door's figures of its requests; only when the front door runs.</param>
/// <param name="Events">Its last 50 events, oldest first.</param>
/// <param name="Timeline">Its last hour's spawns, exits and circuit changes, oldest first.</param>
public sealed record ServerDocument(
    string Name,
    IReadOnlyList<string> Models,
    string Start,
    string State,
    string Reason,
    int? Pid,
    bool Adopted,
    DateTimeOffset Since,
    double? Uptime,
    DateTimeOffset? ServerStartedAt,
    long? FootprintBytes,
    long? EstimateBytes,
    long Restarts,
    int ConsecutiveFailures,
    CircuitDocument Circuit,
    DateTimeOffset? NextRestartAt,
    StoppedForDocument? StoppedFor,
    HealthDocument Health,
    ExitDocument? LastExit,
    int InFlight,
    int Queued,
    DateTimeOffset? LastRequestAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FrontDoorDocument? FrontDoor,
    IReadOnlyList<EventDocument> Events,
    IReadOnlyList<EventDocument> Timeline)
{
    [JsonIgnore]
    public bool IsRunning => State == nameof(SupervisorState.Running);

    /// <summary>Where it should be: running, or held stopped until a request for its models starts it (an OnDemand server).</summary>
    [JsonIgnore]
    public bool IsAsExpected => IsRunning || (State == nameof(SupervisorState.Stopped) && StoppedFor is { StartsOnDemand: true });
}

/// <param name="Kind">Operator, NotStarted, Idle, ForRoom or Policy.</param>
/// <param name="Reason">"idle for 10 min", "operator stop via the status endpoint"...</param>
/// <param name="StartsOnDemand">A request for one of its models starts it again.</param>
public sealed record StoppedForDocument(string Kind, string Reason, bool StartsOnDemand)
{
    public static StoppedForDocument? From(StopReason? why) => why is null ? null : new(why.Kind.ToString(), why.Reason, why.StartsOnDemand);
}
