using MlxSupervisor.Fleet;
using MlxSupervisor.Ledger;
using MlxSupervisor.Status.Metrics;

namespace MlxSupervisor.Status;

/// <summary>
/// What GET /status reads, built at each request from the fleet's units as they are then (a reload adds and removes
/// servers): each unit's snapshot, its measured memory, its front door figures and its timeline.
/// </summary>
/// <param name="frontDoor">The front door's figures; null when no front door runs.</param>
/// <param name="ledger">The memory ledger; null when the daemon keeps none (tests).</param>
public sealed class FleetStatus(ServerFleet fleet, RestartTimeline timeline, IResidentMemoryReader memory, TimeProvider time,
    IFrontDoorFigures? frontDoor = null, MemoryLedger? ledger = null)
{
    public ServerFleet Fleet => fleet;

    public IFrontDoorFigures? FrontDoor => frontDoor;

    public StatusDocument Document()
    {
        var now = time.GetUtcNow();
        var units = fleet.Units;
        var servers = units.Select(u => Server(u, now)).ToList();
        var top = fleet.Default;
        return StatusDocument.From(servers.Find(d => d.Name == top.Name) ?? Server(top, now), servers,
            ledger is null ? null : LedgerDocument.From(ledger, units), now, SupervisorMetrics.Version);
    }

    private ServerDocument Server(ServerUnit unit, DateTimeOffset now)
    {
        var s = unit.Status.Current;
        var settings = unit.Settings;
        var requests = unit.Activity.Snapshot();
        return new ServerDocument(
            unit.Name,
            settings.Models,
            settings.Start.ToString(),
            s.State.ToString(),
            s.Reason,
            s.Pid,
            s.Adopted,
            s.Since,
            s.ServerStartedAt is { } started && s.Pid is not null ? Math.Round(Math.Max(0, (now - started).TotalSeconds), 3) : null,
            s.ServerStartedAt,
            s.Pid is { } pid ? memory.ResidentBytes(pid) : null,
            settings.MemoryEstimateBytes,
            s.Restarts,
            s.ConsecutiveFailures,
            new CircuitDocument(s.Circuit, s.CircuitReopensAt),
            s.NextRestartAt,
            StoppedForDocument.From(s.StoppedFor),
            HealthDocument.From(s.Health),
            ExitDocument.From(s.LastExit),
            requests.InFlight,
            requests.Queued,
            unit.Activity.LastRequestAt,
            frontDoor?.Of(unit),
            [.. unit.Status.RecentEvents.Select(EventDocument.From)],
            [.. timeline.Recent(unit).Select(EventDocument.From)]);
    }
}
