namespace MlxSupervisor.Ledger;

/// <summary>
/// How many bytes of the budget a server holds (issue 13, "The memory ledger"). Each rule is its own method so
/// that it can be read, and tested, as the issue states it.
/// </summary>
public static class Footprint
{
    /// <summary>The footprint of <paramref name="entry"/> by the rule for its state.</summary>
    public static long Of(LedgerEntry entry) => entry.State switch
    {
        LedgerState.Stopped => Stopped(),
        LedgerState.Starting => Starting(entry.MeasuredBytes, entry.EstimateBytes),
        LedgerState.Running => Running(entry.MeasuredBytes, entry.EstimateBytes),
        LedgerState.Stopping => Stopping(entry.MeasuredBytes, entry.EstimateBytes),
        _ => throw new ArgumentOutOfRangeException(nameof(entry), entry.State, null),
    };

    /// <summary>A stopped server holds nothing: none of its processes is alive.</summary>
    public static long Stopped() => 0;

    /// <summary>
    /// "While a server loads, its footprint is the larger of that measurement and its estimate": a model being
    /// loaded has not reached its size yet, and the room it was started into must stay reserved for it.
    /// </summary>
    public static long Starting(long? measured, long estimate) => Math.Max(measured ?? 0, estimate);

    /// <summary>A loaded server holds what was measured; until the first measurement, its estimate.</summary>
    public static long Running(long? measured, long estimate) => measured ?? estimate;

    /// <summary>
    /// As <see cref="Running"/>: a stopping server's memory is not free until its processes are gone, and a
    /// replacement started into memory it still holds would put two copies of a model in memory (issue 13,
    /// "One server per model").
    /// </summary>
    public static long Stopping(long? measured, long estimate) => Running(measured, estimate);
}
