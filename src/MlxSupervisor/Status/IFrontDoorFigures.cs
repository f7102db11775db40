using MlxSupervisor.Fleet;

namespace MlxSupervisor.Status;

/// <summary>
/// The front door's figures for GET /status (in flight, queued, waits, refusals...), per server. Optional: /status has
/// <c>frontDoor</c> objects only when one is registered, that is, when the front door runs.
/// </summary>
public interface IFrontDoorFigures
{
    /// <summary>The figures of the requests for <paramref name="unit"/>'s models.</summary>
    FrontDoorDocument Of(ServerUnit unit);

    /// <summary>
    /// Whether <paramref name="meter"/> holds this daemon's front door instruments (the "MlxSupervisor.FrontDoor" Meter
    /// its servers' statistics share), so /metrics exports this daemon's front door and no other in the process.
    /// </summary>
    bool Owns(System.Diagnostics.Metrics.Meter meter) => false;
}
