namespace MlxSupervisor.Supervision;

/// <summary>
/// The published state of one supervisor: its latest snapshot and its recent events. Written only by the
/// supervisor, read by anyone.
/// </summary>
public sealed class SupervisorStatus
{
    private const int EventCapacity = 50;

    private readonly Lock _lock = new();
    private readonly Queue<SupervisorEvent> _events = new(EventCapacity);
    private SupervisorSnapshot _current;
    private TaskCompletionSource _changed = NewSignal();

    public SupervisorStatus(DateTimeOffset now) =>
        _current = new SupervisorSnapshot { State = SupervisorState.Stopped, Since = now, Reason = "not started" };

    public SupervisorSnapshot Current => Volatile.Read(ref _current);

    /// <summary>
    /// Raised after each event is recorded, on the supervisor's thread: handlers must return at once (hand the
    /// event to a queue) and must not throw, or they would stall or break supervision.
    /// </summary>
    public event Action<SupervisorEvent>? EventRecorded;

    public IReadOnlyList<SupervisorEvent> RecentEvents
    {
        get
        {
            lock (_lock)
                return [.. _events];
        }
    }

    internal void Update(Func<SupervisorSnapshot, SupervisorSnapshot> change)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            _current = change(_current);
            changed = _changed;
            _changed = NewSignal();
        }
        changed.TrySetResult();
    }

    internal void Record(SupervisorEvent e)
    {
        lock (_lock)
        {
            if (_events.Count == EventCapacity)
                _events.Dequeue();
            _events.Enqueue(e);
        }
        EventRecorded?.Invoke(e);
    }

    /// <summary>Waits until the snapshot satisfies <paramref name="condition"/>.</summary>
    public async Task<SupervisorSnapshot> WaitForAsync(Func<SupervisorSnapshot, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (condition(_current))
                    return _current;
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
