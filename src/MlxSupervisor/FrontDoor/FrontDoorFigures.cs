using MlxSupervisor.Fleet;
using MlxSupervisor.Status;

namespace MlxSupervisor.FrontDoor;

/// <summary>Each server's front door statistics as GET /status shows them: counts, and waits in seconds.</summary>
internal sealed class FrontDoorFigures(ServerFleet fleet) : IFrontDoorFigures
{
    /// <summary>
    /// A Meter from the daemon's meter factory is one for every server (the factory hands out one Meter per name);
    /// statistics made without a factory (tests) own theirs. Asked as each instrument is published, which for a server
    /// a reload adds is before the fleet lists it: its Meter is then the factory's, which the others hold already.
    /// </summary>
    public bool Owns(System.Diagnostics.Metrics.Meter meter) => fleet.Units.Any(u => ReferenceEquals(u.Activity.Meter, meter));

    public FrontDoorDocument Of(ServerUnit unit)
    {
        var s = unit.Activity.Snapshot();
        return new FrontDoorDocument(
            s.InFlight,
            s.Queued,
            s.WaitingForServer,
            s.Admitted,
            s.Admitted == 0 ? 0 : Math.Round(s.TotalQueueWait.TotalSeconds / s.Admitted, 3),
            Math.Round(s.LongestQueueWait.TotalSeconds, 3),
            s.Rejected.ToDictionary(r => char.ToLowerInvariant(r.Key.ToString()[0]) + r.Key.ToString()[1..], r => r.Value),
            s.AbandonedInQueue,
            s.Retried,
            s.Failed,
            s.Stalls,
            s.LastByteAt);
    }
}
