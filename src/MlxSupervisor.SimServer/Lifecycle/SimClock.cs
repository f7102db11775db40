namespace MlxSupervisor.SimServer.Lifecycle;

/// <summary>
/// Measures time since the server started to listen: every "after N ms" fault counts from that moment,
/// so a startup delay does not eat into it.
/// </summary>
internal sealed class SimClock(TimeProvider time)
{
    private long _listeningSince;

    public TimeProvider Time => time;

    public void MarkListening() => Interlocked.Exchange(ref _listeningSince, time.GetTimestamp());

    public TimeSpan SinceListening
    {
        get
        {
            var since = Interlocked.Read(ref _listeningSince);
            return since == 0 ? TimeSpan.Zero : time.GetElapsedTime(since);
        }
    }

    /// <returns>Whether a fault that starts <paramref name="afterMs"/> after listening is active now.</returns>
    public bool HasReached(int? afterMs) =>
        afterMs is { } ms && SinceListening >= TimeSpan.FromMilliseconds(ms);
}
