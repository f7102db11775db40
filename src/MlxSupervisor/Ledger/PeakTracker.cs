namespace MlxSupervisor.Ledger;

/// <summary>
/// The highest footprint measured during one life of a server: what <see cref="PeakFootprintStore"/> records when
/// that life ends. Fed by the memory sampler and read by whoever ends the life, so it takes a lock.
/// </summary>
public sealed class PeakTracker
{
    private readonly Lock _lock = new();
    private long? _peak;

    /// <summary>The peak so far in this life; null before its first measurement.</summary>
    public long? Peak
    {
        get
        {
            lock (_lock)
                return _peak;
        }
    }

    public void Observe(long bytes)
    {
        lock (_lock)
        {
            if (_peak is not { } peak || bytes > peak)
                _peak = bytes;
        }
    }

    /// <summary>Forgets the peak: a new life starts from nothing.</summary>
    public void Reset()
    {
        lock (_lock)
            _peak = null;
    }
}
