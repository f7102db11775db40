namespace MlxSupervisor.Ledger;

/// <summary>What <see cref="RoomPolicy.Decide"/> says about starting a server: one of the four records nested here.</summary>
public abstract record RoomDecision
{
    private RoomDecision()
    {
    }

    /// <summary>There is room (or no budget, or the server already runs): start it.</summary>
    public sealed record Fits : RoomDecision;

    /// <summary>Stop these idle OnDemand servers, in this order (least recently used first), then ask again: once
    /// they are gone there is room.</summary>
    public sealed record Evict(IReadOnlyList<string> Victims) : RoomDecision;

    /// <summary>
    /// No room now, and stopping the servers that may be stopped now would not make it, but there will be once
    /// busy servers drain, young ones pass MinResidency, or stopping ones are gone. Ask again at
    /// <paramref name="Until"/> or when a server's state or in-flight count changes.
    /// </summary>
    /// <param name="Until">The earliest moment an idle server passes MinResidency; null when only a drain, a
    /// start ending or a stop ending can help.</param>
    /// <param name="Reason">What is waited for, in words a person reads (for the log and /status).</param>
    public sealed record Wait(DateTimeOffset? Until, string Reason) : RoomDecision;

    /// <summary>
    /// Room can never be made: even with every OnDemand server but this one stopped, it does not fit.
    /// </summary>
    /// <param name="Needed">The server's estimate.</param>
    /// <param name="HeldByAtBoot">What the running and starting AtBoot servers hold, which is never stopped for room.</param>
    /// <param name="Message">The figures in words, e.g. "chat needs 4 GB; the budget is 100 GB, of which AtBoot servers hold 98 GB (coder 98 GB)".</param>
    public sealed record NoRoom(long Needed, long Budget, long HeldByAtBoot, string Message) : RoomDecision;
}
