using System.Text.Json.Serialization;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Status;

/// <summary>
/// The JSON of GET /status: the fields of the default server (<c>Fleet:DefaultServer</c>, or the only one) at the top,
/// as before there were fleets, and every server in <see cref="Servers"/>. Times are ISO 8601 UTC; durations are seconds.
/// </summary>
/// <param name="Server">The name of the server the top-level fields are of.</param>
/// <param name="Since">When the supervisor entered <paramref name="State"/>.</param>
/// <param name="Uptime">Seconds the current server process has run; null when none runs.</param>
/// <param name="MemoryBytes">Memory held by the server's process group; null when none runs.</param>
/// <param name="Now">The daemon's clock, so a page can count down without trusting the browser's.</param>
/// <param name="Events">The last 50 events, oldest first.</param>
/// <param name="Timeline">The last hour's spawns, exits and circuit changes, oldest first.</param>
/// <param name="Servers">Every server, in the order of their names.</param>
/// <param name="Ledger">The fleet's memory: budget, used, reserved; only when the daemon keeps a ledger.</param>
public sealed record StatusDocument(
    string Server,
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
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FrontDoorDocument? FrontDoor,
    IReadOnlyList<EventDocument> Events,
    IReadOnlyList<EventDocument> Timeline,
    IReadOnlyList<ServerDocument> Servers,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LedgerDocument? Ledger)
{
    [JsonIgnore]
    public bool IsRunning => State == nameof(SupervisorState.Running);

    /// <param name="top">The default server, whose fields are the top level's.</param>
    public static StatusDocument From(ServerDocument top, IReadOnlyList<ServerDocument> servers, LedgerDocument? ledger, DateTimeOffset now,
        string? version) => new(
        top.Name,
        top.State,
        top.Reason,
        top.Pid,
        top.Adopted,
        top.Since,
        top.Uptime,
        top.ServerStartedAt,
        top.FootprintBytes,
        top.Restarts,
        top.ConsecutiveFailures,
        top.Circuit,
        top.NextRestartAt,
        top.Health,
        top.LastExit,
        now,
        version,
        top.FrontDoor,
        top.Events,
        top.Timeline,
        servers,
        ledger);
}

/// <param name="State">Closed, Open or HalfOpen.</param>
/// <param name="ReopensAt">When an open circuit lets the next trial start.</param>
public sealed record CircuitDocument(string State, DateTimeOffset? ReopensAt);

/// <param name="LastErrorAt">When <paramref name="LastError"/> happened.</param>
/// <param name="LastErrorDuringStartup">It came from a probe while the server was starting (loading its model).</param>
/// <param name="LastTokenAt">When a generation probe last got its first token.</param>
public sealed record HealthDocument(DateTimeOffset? LastOkAt, int Strikes, string? LastError, DateTimeOffset? LastErrorAt, bool LastErrorDuringStartup,
    DateTimeOffset? LastTokenAt)
{
    public static HealthDocument From(HealthSnapshot h) => new(h.LastOkAt, h.Strikes, h.LastError, h.LastErrorAt, h.LastErrorDuringStartup, h.LastTokenAt);

    /// <summary>The last error is still the news: no probe has passed since it (issue 14, item 4).</summary>
    [JsonIgnore]
    public bool ErrorIsCurrent => LastError is not null && (LastOkAt is null || LastErrorAt is null || LastErrorAt > LastOkAt);
}

public sealed record ExitDocument(int? Code, string? Signal, DateTimeOffset At, string Reason)
{
    public static ExitDocument? From(ExitSnapshot? exit) => exit is null ? null : new(exit.Code, exit.Signal, exit.At, exit.Reason);
}

public sealed record EventDocument(DateTimeOffset At, string Kind, string Message)
{
    public static EventDocument From(SupervisorEvent e) => new(e.At, e.Kind, e.Message);
}
