using MlxSupervisor.Ledger;

namespace MlxSupervisor.Tests.Ledger;

/// <summary>Ledger entries written the way a spec reads: sizes in whole GB, a server measured at its estimate unless told.</summary>
internal static class FleetOf
{
    public const long GB = 1L << 30;

    public static LedgerEntry OnDemand(string name, long gb, LedgerState state = LedgerState.Running, int inFlight = 0,
        DateTimeOffset? started = null, DateTimeOffset? lastRequest = null) =>
        Entry(name, StartPolicy.OnDemand, gb, state, inFlight, started, lastRequest);

    public static LedgerEntry AtBoot(string name, long gb, LedgerState state = LedgerState.Running, int inFlight = 0,
        DateTimeOffset? started = null, DateTimeOffset? lastRequest = null) =>
        Entry(name, StartPolicy.AtBoot, gb, state, inFlight, started, lastRequest);

    /// <summary>The server to start: stopped, never measured, its estimate what it will take.</summary>
    public static LedgerEntry Candidate(string name, long gb, StartPolicy start = StartPolicy.OnDemand) =>
        new(name, start, LedgerState.Stopped, null, gb * GB, 0, null, null);

    private static LedgerEntry Entry(string name, StartPolicy start, long gb, LedgerState state, int inFlight, DateTimeOffset? started, DateTimeOffset? lastRequest) =>
        new(name, start, state, state == LedgerState.Stopped ? null : gb * GB, gb * GB, inFlight,
            state == LedgerState.Stopped ? null : started ?? DateTimeOffset.UnixEpoch, lastRequest);
}
