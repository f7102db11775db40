namespace MlxSupervisor.Ledger;

/// <summary>
/// Whether a server may start within <c>Fleet:MemoryBudget</c>, and what to stop for it (issue 13, "The memory
/// ledger"). A pure function of the fleet's state, as llama-swap's <c>EvictionFor</c> is: it decides,
/// the units act, and the specs run it on plain data.
/// </summary>
/// <remarks>
/// Sums are taken in <see cref="Int128"/>: estimates come from settings, and a few absurd ones must not wrap
/// around into "fits".
/// </remarks>
public static partial class RoomPolicy
{
    /// <param name="budget">Fleet:MemoryBudget; null is no budget.</param>
    /// <param name="fleet">Every configured server, <paramref name="candidate"/> among them.</param>
    /// <param name="candidate">The server to start.</param>
    /// <param name="minResidency">Fleet:MinResidency: how long a server runs before it may be stopped for room.</param>
    /// <exception cref="ArgumentException"><paramref name="candidate"/> is not in <paramref name="fleet"/>.</exception>
    public static RoomDecision Decide(long? budget, IReadOnlyList<LedgerEntry> fleet, string candidate, DateTimeOffset now, TimeSpan minResidency)
    {
        var wanted = fleet.FirstOrDefault(e => e.Name == candidate)
            ?? throw new ArgumentException($"'{candidate}' is not a server of the fleet", nameof(candidate));
        if (budget is not { } total || wanted.State is LedgerState.Running or LedgerState.Starting)
            return new RoomDecision.Fits();
        // Its previous process still lives; its replacement waits for it to go (issue 13, "One server per model").
        if (wanted.State == LedgerState.Stopping)
            return new RoomDecision.Wait(null, $"{candidate} is still stopping");

        var others = fleet.Where(e => e.Name != candidate).ToList();
        var needed = wanted.EstimateBytes;
        var free = total - Sum(others.Select(Footprint.Of));
        if (free >= needed)
            return new RoomDecision.Fits();

        // What stopping servers hold is as good as free: they are going. Counting it lets the victims stop while
        // they do, instead of one after the other; nothing starts until their memory is really gone (Fits above).
        var room = free + Sum(others.Where(e => e.State == LedgerState.Stopping).Select(Footprint.Of));
        var victims = new List<string>();
        foreach (var victim in others.Where(e => MayBeStoppedForRoom(e, now, minResidency)).Order(LeastRecentlyUsed.First))
        {
            if (room >= needed)
                break;
            victims.Add(victim.Name);
            room += Footprint.Of(victim);
        }
        if (room >= needed)
        {
            if (victims.Count > 0)
                return new RoomDecision.Evict(victims);
            var stopping = others.Where(e => e.State == LedgerState.Stopping);
            return new RoomDecision.Wait(null, WaitReason(wanted, free, total, stopping, now, minResidency));
        }

        var atBoot = others.Where(e => e.Start == StartPolicy.AtBoot && e.State is LedgerState.Running or LedgerState.Starting).ToList();
        var heldByAtBoot = Sum(atBoot.Select(Footprint.Of));
        if (total - heldByAtBoot < needed)
            return NoRoom(wanted, total, heldByAtBoot, atBoot);

        return new RoomDecision.Wait(ResidencyEnds(others, now, minResidency), WaitReason(wanted, free, total, others, now, minResidency));
    }

    /// <summary>
    /// The settings validator's check: the AtBoot servers' estimates together must not exceed the budget, since
    /// they all start with the daemon and none is ever stopped for room.
    /// </summary>
    public static AtBootFit FitsAtBoot(long? budget, IEnumerable<(string Name, long Estimate)> atBoot)
    {
        var servers = atBoot.ToList();
        var total = Clamp(Sum(servers.Select(s => s.Estimate)));
        if (budget is not { } limit || total <= limit)
            return new AtBootFit(true, total, budget, null);
        var each = string.Join(", ", servers.Select(s => $"Supervisor:Servers:{s.Name}:MemoryEstimate {Bytes(s.Estimate)}"));
        return new AtBootFit(false, total, budget,
            $"Supervisor:Fleet:MemoryBudget ({Bytes(limit)}) is less than the MemoryEstimates of the AtBoot servers together ({Bytes(total)}: {each})");
    }

    /// <summary>Running, idle, OnDemand, and past MinResidency (a Running server with no start time has nothing to protect).</summary>
    private static bool MayBeStoppedForRoom(LedgerEntry e, DateTimeOffset now, TimeSpan minResidency) =>
        e is { Start: StartPolicy.OnDemand, State: LedgerState.Running, InFlight: 0 } && !IsYoung(e, now, minResidency);

    private static bool IsYoung(LedgerEntry e, DateTimeOffset now, TimeSpan minResidency) =>
        e.StartedAt is { } started && started + minResidency > now;

    /// <summary>The earliest moment an idle OnDemand server passes MinResidency; a busy one is waited for by its drain.</summary>
    private static DateTimeOffset? ResidencyEnds(IEnumerable<LedgerEntry> others, DateTimeOffset now, TimeSpan minResidency) =>
        others.Where(e => e is { Start: StartPolicy.OnDemand, State: LedgerState.Running, InFlight: 0 } && IsYoung(e, now, minResidency))
            .Select(e => (DateTimeOffset?)(e.StartedAt!.Value + minResidency))
            .Min();

    private static Int128 Sum(IEnumerable<long> bytes)
    {
        Int128 sum = 0;
        foreach (var b in bytes)
            sum += b;
        return sum;
    }

    private static long Clamp(Int128 bytes) => bytes > long.MaxValue ? long.MaxValue : (long)bytes;

    private static string Bytes(Int128 bytes) => Configuration.ByteSize.Format(Clamp(bytes));
}
