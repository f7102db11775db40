using MlxSupervisor.Fleet;

namespace MlxSupervisor.Status;

/// <summary>
/// Attaches a listener to every unit of the fleet: those there now, and those a reload adds; a unit a reload removes is
/// detached. The metrics, the timeline and the hooks listen to each server's events this way, so no status surface
/// assumes there is one server (docs/STYLE.md, "Nothing registered as a singleton assumes there is only one server").
/// </summary>
/// <remarks>
/// A reload raises <see cref="ServerFleet.UnitsChanged"/> before an added unit runs, so its first events are heard.
/// </remarks>
internal sealed class EveryUnit : IDisposable
{
    private readonly ServerFleet _fleet;
    private readonly Func<ServerUnit, IDisposable> _attach;
    private readonly Dictionary<ServerUnit, IDisposable> _attached = [];
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <param name="attach">Subscribes to one unit; disposing what it returns unsubscribes.</param>
    public EveryUnit(ServerFleet fleet, Func<ServerUnit, IDisposable> attach)
    {
        _fleet = fleet;
        _attach = attach;
        fleet.UnitsChanged += Sync;
        Sync();
    }

    public void Dispose()
    {
        _fleet.UnitsChanged -= Sync;
        lock (_lock)
        {
            _disposed = true;
            foreach (var attachment in _attached.Values)
                attachment.Dispose();
            _attached.Clear();
        }
    }

    private void Sync()
    {
        lock (_lock)
        {
            if (_disposed)
                return;
            var units = _fleet.Units;
            foreach (var gone in _attached.Keys.Where(u => !units.Contains(u)).ToList())
            {
                _attached[gone].Dispose();
                _attached.Remove(gone);
            }
            foreach (var unit in units.Where(u => !_attached.ContainsKey(u)))
                _attached[unit] = _attach(unit);
        }
    }

    /// <summary>What <c>attach</c> returns: runs its action once, when disposed.</summary>
    public sealed class Detach(Action detach) : IDisposable
    {
        private Action? _detach = detach;

        public void Dispose() => Interlocked.Exchange(ref _detach, null)?.Invoke();
    }
}
