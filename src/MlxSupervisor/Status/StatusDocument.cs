using System.Text.Json.Serialization;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Status;

/// <summary>The JSON of GET /status. Times are ISO 8601 UTC; durations are seconds.</summary>
/// <param name="Since">When the supervisor entered <paramref name="State"/>.</param>
/// <param name="Uptime">Seconds the current server process has run; null when none runs.</param>
/// <param name="MemoryBytes">Memory held by the server's process group; null when none runs.</param>
/// <param name="Now">The daemon's clock, so a page can count down without trusting the browser's.</param>
/// <param name="Events">The last 50 events, oldest first.</param>
/// <param name="Timeline">The last hour's spawns, exits and circuit changes, oldest first.</param>
public sealed record StatusDocument(
    string State,
    string Reason,
    int? Pid,
    bool Adopted,
    DateTimeOffset Since,
    double? Uptime,
    DateTimeOffset? ServerStartedAt,
    long? MemoryBytes,
    long Restarts,
    int ConsecutiveFailures,
    CircuitDocument Circuit,
    DateTimeOffset? NextRestartAt,
    HealthDocument Health,
    ExitDocument? LastExit,
    DateTimeOffset Now,
    string? Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, object?>? FrontDoor,
    IReadOnlyList<EventDocument> Events,
    IReadOnlyList<EventDocument> Timeline)
{
    [JsonIgnore]
    public bool IsRunning => State == nameof(SupervisorState.Running);

    public static StatusDocument From(SupervisorSnapshot s, IReadOnlyList<SupervisorEvent> events, IReadOnlyList<SupervisorEvent> timeline,
        DateTimeOffset now, long? memoryBytes, IReadOnlyDictionary<string, object?>? frontDoor, string? version) => new(
        s.State.ToString(),
        s.Reason,
        s.Pid,
        s.Adopted,
        s.Since,
        s.ServerStartedAt is { } started && s.Pid is not null ? Math.Round(Math.Max(0, (now - started).TotalSeconds), 3) : null,
        s.ServerStartedAt,
        memoryBytes,
        s.Restarts,
        s.ConsecutiveFailures,
        new CircuitDocument(s.Circuit, s.CircuitReopensAt),
        s.NextRestartAt,
        new HealthDocument(s.Health.LastOkAt, s.Health.Strikes, s.Health.LastError, s.Health.LastErrorAt, s.Health.LastErrorDuringStartup,
            s.Health.LastTokenAt),
        s.LastExit is { } exit ? new ExitDocument(exit.Code, exit.Signal, exit.At, exit.Reason) : null,
        now,
        version,
        frontDoor,
        [.. events.Select(EventDocument.From)],
        [.. timeline.Select(EventDocument.From)]);
}

/// <param name="State">Closed, Open or HalfOpen.</param>
/// <param name="ReopensAt">When an open circuit lets the next trial start.</param>
public sealed record CircuitDocument(string State, DateTimeOffset? ReopensAt);

/// <param name="LastErrorAt">When <paramref name="LastError"/> happened.</param>
/// <param name="LastErrorDuringStartup">It came from a probe while the server was starting (loading its model).</param>
/// <param name="LastTokenAt">When a generation probe last got its first token.</param>
public sealed record HealthDocument(DateTimeOffset? LastOkAt, int Strikes, string? LastError, DateTimeOffset? LastErrorAt, bool LastErrorDuringStartup,
    DateTimeOffset? LastTokenAt);

public sealed record ExitDocument(int? Code, string? Signal, DateTimeOffset At, string Reason);

public sealed record EventDocument(DateTimeOffset At, string Kind, string Message)
{
    public static EventDocument From(SupervisorEvent e) => new(e.At, e.Kind, e.Message);
}
