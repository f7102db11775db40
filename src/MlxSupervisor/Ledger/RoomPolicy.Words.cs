namespace MlxSupervisor.Ledger;

/// <summary>The decisions' figures in words a person reads: the 503's message and the log's reason.</summary>
public static partial class RoomPolicy
{
    private static RoomDecision.NoRoom NoRoom(LedgerEntry wanted, long budget, Int128 heldByAtBoot, IReadOnlyList<LedgerEntry> atBoot)
    {
        var needs = $"{wanted.Name} needs {Bytes(wanted.EstimateBytes)}";
        var message = atBoot.Count == 0
            ? $"{needs}, more than the whole budget of {Bytes(budget)}"
            : $"{needs}; the budget is {Bytes(budget)}, of which AtBoot servers hold {Bytes(heldByAtBoot)} ({Each(atBoot)})";
        return new RoomDecision.NoRoom(wanted.EstimateBytes, budget, Clamp(heldByAtBoot), message);
    }

    /// <summary>"chat needs 4 GB and 1 GB of the 10 GB budget is free; waiting for: coder has 2 requests in flight, ..."</summary>
    private static string WaitReason(LedgerEntry wanted, Int128 free, long budget, IEnumerable<LedgerEntry> others, DateTimeOffset now, TimeSpan minResidency)
    {
        var what = others.Select(e => WaitingOn(e, now, minResidency)).OfType<string>();
        return $"{wanted.Name} needs {Bytes(wanted.EstimateBytes)} and {Bytes(free < 0 ? 0 : free)} of the {Bytes(budget)} budget is free; "
            + $"waiting for: {string.Join(", ", what)}";
    }

    /// <summary>Why a server that will free memory cannot be stopped for it yet; null for one that never will.</summary>
    private static string? WaitingOn(LedgerEntry e, DateTimeOffset now, TimeSpan minResidency)
    {
        if (e.State == LedgerState.Stopping)
            return $"{e.Name} to stop";
        if (e.Start != StartPolicy.OnDemand)
            return null;
        return e.State switch
        {
            LedgerState.Starting => $"{e.Name} to finish starting",
            LedgerState.Running when e.InFlight > 0 => $"{e.Name} to finish {e.InFlight} request{(e.InFlight == 1 ? "" : "s")} in flight",
            LedgerState.Running when IsYoung(e, now, minResidency) =>
                $"{e.Name} to pass Fleet:MinResidency (in {(e.StartedAt!.Value + minResidency - now).TotalSeconds:0.#} s)",
            _ => null,
        };
    }

    private static string Each(IEnumerable<LedgerEntry> servers) => string.Join(", ", servers.Select(s => $"{s.Name} {Bytes(Footprint.Of(s))}"));
}
