using MlxSupervisor.Fleet;
using MlxSupervisor.Ledger;

namespace MlxSupervisor.Status;

/// <summary>
/// The memory ledger's figures for the whole fleet (issue 13, "The memory ledger"): what GET /status shows as
/// <c>ledger</c> and /metrics as the mlx_supervisor_memory_* gauges.
/// </summary>
/// <param name="BudgetBytes"><c>Fleet:MemoryBudget</c>; null when there is no budget.</param>
/// <param name="UsedBytes">The measured footprints of the servers whose processes are alive (starting, running or stopping).</param>
/// <param name="ReservedBytes">What starting servers hold beyond what they measure: the ledger counts a loading server at
/// the larger of its measurement and its estimate (<see cref="Footprint.Starting"/>), so the room it was started into stays its.</param>
public sealed record LedgerDocument(long? BudgetBytes, long UsedBytes, long ReservedBytes)
{
    public static LedgerDocument From(MemoryLedger ledger, IReadOnlyList<ServerUnit> units)
    {
        var entries = ledger.Entries(units);
        return new LedgerDocument(
            ledger.Budget,
            entries.Where(e => e.State != LedgerState.Stopped).Sum(e => e.MeasuredBytes ?? 0),
            entries.Where(e => e.State == LedgerState.Starting).Sum(e => Footprint.Of(e) - (e.MeasuredBytes ?? 0)));
    }
}
