namespace MlxSupervisor.Ledger;

/// <summary>
/// The order in which idle servers are stopped for room: the one asked longest ago first, a server never asked
/// counting as oldest; on a tie, the one started first; then by name, so the order is the same on every call.
/// </summary>
internal sealed class LeastRecentlyUsed : IComparer<LedgerEntry>
{
    public static readonly LeastRecentlyUsed First = new();

    private LeastRecentlyUsed()
    {
    }

    public int Compare(LedgerEntry? x, LedgerEntry? y)
    {
        if (ReferenceEquals(x, y))
            return 0;
        if (x is null)
            return -1;
        if (y is null)
            return 1;
        // Nullable<T> compares null as smaller than any value: never asked, or never started, is oldest.
        var byRequest = Nullable.Compare(x.LastRequestAt, y.LastRequestAt);
        if (byRequest != 0)
            return byRequest;
        var byStart = Nullable.Compare(x.StartedAt, y.StartedAt);
        return byStart != 0 ? byStart : string.CompareOrdinal(x.Name, y.Name);
    }
}
