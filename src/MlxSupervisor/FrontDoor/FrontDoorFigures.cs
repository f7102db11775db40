using MlxSupervisor.Status;

namespace MlxSupervisor.FrontDoor;

/// <summary>The front door's statistics as GET /status shows them: counts, and waits in seconds.</summary>
internal sealed class FrontDoorFigures(FrontDoorStatistics statistics) : IFrontDoorFigures
{
    public System.Diagnostics.Metrics.Meter Meter => statistics.Meter;

    public IReadOnlyDictionary<string, object?> Current
    {
        get
        {
            var s = statistics.Snapshot();
            return new Dictionary<string, object?>
            {
                ["inFlight"] = s.InFlight,
                ["queued"] = s.Queued,
                ["waitingForServer"] = s.WaitingForServer,
                ["admitted"] = s.Admitted,
                ["meanQueueWaitSeconds"] = s.Admitted == 0 ? 0 : Math.Round(s.TotalQueueWait.TotalSeconds / s.Admitted, 3),
                ["longestQueueWaitSeconds"] = Math.Round(s.LongestQueueWait.TotalSeconds, 3),
                ["rejected"] = s.Rejected.ToDictionary(r => char.ToLowerInvariant(r.Key.ToString()[0]) + r.Key.ToString()[1..], r => r.Value),
                ["abandonedInQueue"] = s.AbandonedInQueue,
                ["retried"] = s.Retried,
                ["failed"] = s.Failed,
                ["stalls"] = s.Stalls,
                ["lastByteAt"] = s.LastByteAt,
            };
        }
    }
}
