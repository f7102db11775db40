using System.Collections.Concurrent;
using MlxSupervisor.Fleet;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Status;

/// <summary>
/// The last hour of spawns, exits and circuit changes of each server, for the status page's timeline (a row per
/// server). The recent-events list holds only 50 entries, which a crash loop fills in a few minutes.
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

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<ServerUnit, Row> _rows = new();
    private readonly EveryUnit _units;

    public RestartTimeline(ServerFleet fleet, TimeProvider time)
    {
        _time = time;
        _units = new EveryUnit(fleet, Attach);
    }

    /// <summary>The events of the last hour of <paramref name="unit"/>, oldest first.</summary>
    public IReadOnlyList<SupervisorEvent> Recent(ServerUnit unit) => _rows.TryGetValue(unit, out var row) ? row.Recent(_time) : [];

    public void Dispose() => _units.Dispose();

    private EveryUnit.Detach Attach(ServerUnit unit)
    {
        var row = new Row();
        _rows[unit] = row;
        void OnEvent(SupervisorEvent e)
        {
            if (Kinds.Contains(e.Kind))
                row.Add(e, _time);
        }
        unit.Status.EventRecorded += OnEvent;
        return new EveryUnit.Detach(() =>
        {
            unit.Status.EventRecorded -= OnEvent;
            _rows.TryRemove(unit, out _);
        });
    }

    /// <summary>One server's events.</summary>
    private sealed class Row
    {
        private readonly Queue<SupervisorEvent> _events = new();
        private readonly Lock _lock = new();

        public IReadOnlyList<SupervisorEvent> Recent(TimeProvider time)
        {
            lock (_lock)
            {
                DropOld_NeedsLock(time);
                return [.. _events];
            }
        }

        public void Add(SupervisorEvent e, TimeProvider time)
        {
            lock (_lock)
            {
                if (_events.Count == Capacity)
                    _events.Dequeue();
                _events.Enqueue(e);
                DropOld_NeedsLock(time);
            }
        }

        private void DropOld_NeedsLock(TimeProvider time)
        {
            var cutoff = time.GetUtcNow() - Span;
            while (_events.TryPeek(out var oldest) && oldest.At < cutoff)
                _events.Dequeue();
        }
    }
}
