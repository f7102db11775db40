using MlxSupervisor.Supervision;

namespace MlxSupervisor.Status;

/// <summary>
/// The last hour of spawns, exits and circuit changes, for the status page's timeline. The recent-events list
/// holds only 50 entries, which a crash loop fills in a few minutes.
/// </summary>
public sealed class RestartTimeline : IDisposable
{
    public static readonly TimeSpan Span = TimeSpan.FromHours(1);

    private const int Capacity = 1000;

    private static readonly HashSet<string> Kinds =
    [
        EventKinds.Started, EventKinds.Exited, EventKinds.DeclaredDead, EventKinds.SpawnFailed,
        EventKinds.CircuitOpen, EventKinds.CircuitHalfOpen, EventKinds.CircuitClosed, EventKinds.Survivors,
    ];

    private readonly SupervisorStatus _status;
    private readonly TimeProvider _time;
    private readonly Queue<SupervisorEvent> _events = new();
    private readonly Lock _lock = new();

    public RestartTimeline(SupervisorStatus status, TimeProvider time)
    {
        _status = status;
        _time = time;
        _status.EventRecorded += OnEvent;
    }

    /// <summary>The events of the last hour, oldest first.</summary>
    public IReadOnlyList<SupervisorEvent> Recent
    {
        get
        {
            lock (_lock)
            {
                DropOld_NeedsLock();
                return [.. _events];
            }
        }
    }

    public void Dispose() => _status.EventRecorded -= OnEvent;

    private void OnEvent(SupervisorEvent e)
    {
        if (!Kinds.Contains(e.Kind))
            return;
        lock (_lock)
        {
            if (_events.Count == Capacity)
                _events.Dequeue();
            _events.Enqueue(e);
            DropOld_NeedsLock();
        }
    }

    private void DropOld_NeedsLock()
    {
        var cutoff = _time.GetUtcNow() - Span;
        while (_events.TryPeek(out var oldest) && oldest.At < cutoff)
            _events.Dequeue();
    }
}
