using System.Text.Json;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Configuration;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Fleet;

/// <summary>
/// The servers the daemon supervises, one <see cref="ServerUnit"/> each: built from the settings, run for the life of the
/// daemon, and changed by a reload only where the edit touched them (an unchanged server keeps its pid). With
/// Fleet:Strategy OneForAll, the end of one AtBoot server's life restarts the others.
/// </summary>
public sealed partial class ServerFleet
{
    private readonly Func<ServerSettings, ServerUnit> _create;
    private readonly LiveSupervisorOptions _live;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Running> _running = [];
    private IReadOnlyList<ServerUnit> _units;
    private CancellationToken _stopping = new(canceled: true);
    private TaskCompletionSource _unitsStarted = NewSignal();

    /// <param name="create">Builds a server's unit from its settings: <see cref="ServerUnitFactory.Create"/>.</param>
    public ServerFleet(Func<ServerSettings, ServerUnit> create, LiveSupervisorOptions live, ILogger logger)
    {
        _create = create;
        _live = live;
        _logger = logger;
        _units = [.. live.Current.Servers.Select(Watched)];
        live.Changed += Apply;
    }

    /// <summary>The units, in the order of their names; replaced whole when a reload adds or removes one.</summary>
    public IReadOnlyList<ServerUnit> Units => Volatile.Read(ref _units);

    /// <summary>Raised after a reload added or removed units.</summary>
    public event Action? UnitsChanged;

    public ServerUnit? Unit(string name) => Units.FirstOrDefault(u => u.Name == name);

    /// <summary>
    /// The server the top-level status speaks of, and the one a request for no model (or an unlisted one) goes to:
    /// Fleet:DefaultServer, or the only server, or the first.
    /// </summary>
    public ServerUnit Default => _live.Current.Fleet.DefaultServer is { } name && Unit(name) is { } named ? named : Units[0];

    /// <summary>Runs every unit until <paramref name="stoppingToken"/> fires; each then stops its server gracefully.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        lock (_lock)
        {
            _stopping = stoppingToken;
            foreach (var unit in _units)
                StartRunning_NeedsLock(unit);
        }
        var stopped = Task.Delay(Timeout.Infinite, stoppingToken);
        while (true)
        {
            Task[] runs;
            Task more;
            lock (_lock)
            {
                runs = [.. _running.Values.Select(r => r.Task)];
                more = _unitsStarted.Task;
            }
            var ended = await Task.WhenAny([.. runs, more, stopped]);
            if (stoppingToken.IsCancellationRequested)
                break;
            if (ended == more)
            {
                lock (_lock)
                    _unitsStarted = NewSignal();
                continue;
            }
            await ended; // A unit whose supervision failed takes the daemon with it, as a lone supervisor's did.
            lock (_lock)
            {
                foreach (var (name, done) in _running.Where(r => r.Value.Task == ended).ToList())
                    _running.Remove(name);
            }
        }
        Task[] stopping;
        lock (_lock)
            stopping = [.. _running.Values.Select(r => r.Task)];
        await Task.WhenAll(stopping);
    }

    private void StartRunning_NeedsLock(ServerUnit unit)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        _running[unit.Name] = new Running(Task.Run(() => unit.RunAsync(stop.Token)), stop);
        _unitsStarted.TrySetResult(); // So RunAsync watches the new unit too.
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerUnit Watched(ServerSettings settings)
    {
        var unit = _create(settings);
        unit.Status.EventRecorded += e => OnEvent(unit, e);
        return unit;
    }

    /// <summary>OneForAll: an AtBoot server that exits or is declared dead restarts the other AtBoot servers with it.</summary>
    private void OnEvent(ServerUnit unit, SupervisorEvent e)
    {
        if (e.Kind is not (EventKinds.Exited or EventKinds.DeclaredDead) || _live.Current.Fleet.Strategy != FleetStrategy.OneForAll
            || unit.Settings.Start != ServerStart.AtBoot)
            return;
        foreach (var other in Units.Where(u => u != unit && u.Settings.Start == ServerStart.AtBoot))
        {
            Log.PeerRestart(_logger, other.Name, unit.Name, e.Message);
            other.Supervisor.RequestPeerRestart($"one for all: {unit.Name} ended ({e.Message})");
        }
    }

    /// <summary>A reload: only what the edit touched changes.</summary>
    private void Apply(SupervisorOptions previous, SupervisorOptions next)
    {
        if (!previous.IsFleet && !next.IsFleet)
            return; // The single server applies Server and Health:Url at its next restart, as it always has.

        var before = previous.Servers.ToDictionary(s => s.Name);
        var after = next.Servers.ToDictionary(s => s.Name);
        var added = new List<ServerUnit>();
        var removed = new List<ServerUnit>();
        lock (_lock)
        {
            foreach (var settings in next.Servers.Where(s => !before.ContainsKey(s.Name)))
                added.Add(Watched(settings));
            foreach (var unit in _units.Where(u => !after.ContainsKey(u.Name)))
            {
                removed.Add(unit);
                if (_running.Remove(unit.Name, out var running))
                    _ = StopAsync(unit, running);
            }
            _units = [.. _units.Where(u => after.ContainsKey(u.Name)).Concat(added).OrderBy(u => u.Name, StringComparer.Ordinal)];
        }
        foreach (var unit in added)
            Log.Added(_logger, unit.Name, unit.Settings.Start.ToString());
        foreach (var unit in removed)
            Log.Removed(_logger, unit.Name);

        foreach (var unit in Units.Where(u => before.ContainsKey(u.Name) && after.ContainsKey(u.Name)))
        {
            if (LaunchChanged(before[unit.Name], after[unit.Name]))
                _ = RestartWhenIdleAsync(unit);
            else if (before[unit.Name].Start == ServerStart.OnDemand && after[unit.Name].Start == ServerStart.AtBoot
                && unit.Status.Current.StoppedFor?.StartsOnDemand == true)
                unit.Supervisor.RequestStart();
        }
        if (added.Count > 0 || removed.Count > 0)
            UnitsChanged?.Invoke();
        // Run only now, so whoever listens to every unit's events (metrics, timeline, hooks) hears an added one's first spawn.
        lock (_lock)
        {
            foreach (var unit in added.Where(_ => !_stopping.IsCancellationRequested))
                StartRunning_NeedsLock(unit);
        }
    }

    /// <summary>What the running server was started with: its command line and its address.</summary>
    private static bool LaunchChanged(ServerSettings before, ServerSettings after) =>
        JsonSerializer.Serialize(before.Options.Server) != JsonSerializer.Serialize(after.Options.Server)
        || before.Options.Health.Url != after.Options.Health.Url;

    /// <summary>A server whose Server or Health:Url changed is restarted gracefully once its requests in flight have ended.</summary>
    private async Task RestartWhenIdleAsync(ServerUnit unit)
    {
        Log.RestartWhenIdle(_logger, unit.Name, unit.Activity.Current.InFlight);
        try
        {
            await unit.Activity.WhenNoneInFlightAsync(_stopping);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (unit.Supervisor.HeldFor is null)
            unit.Supervisor.RequestOperatorRestart("settings changed: its Server or Health:Url");
    }

    private async Task StopAsync(ServerUnit unit, Running running)
    {
        await running.Stop.CancelAsync();
        try
        {
            await running.Task;
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            running.Stop.Dispose();
        }
    }

    private sealed record Running(Task Task, CancellationTokenSource Stop);

    private static partial class Log
    {
        [LoggerMessage(EventId = 140, EventName = "ServerAdded", Level = LogLevel.Information, Message = "Server {Name} added by the edited settings ({Start})")]
        public static partial void Added(ILogger logger, string name, string start);

        [LoggerMessage(EventId = 141, EventName = "ServerRemoved", Level = LogLevel.Information, Message = "Server {Name} removed by the edited settings: stopping it")]
        public static partial void Removed(ILogger logger, string name);

        [LoggerMessage(EventId = 142, EventName = "RestartWhenIdle", Level = LogLevel.Information,
            Message = "Server {Name}: its Server or Health:Url changed; it restarts gracefully once its {InFlight} requests in flight have ended")]
        public static partial void RestartWhenIdle(ILogger logger, string name, int inFlight);

        [LoggerMessage(EventId = 143, EventName = "PeerRestart", Level = LogLevel.Warning,
            Message = "Restarting server {Name} because {Peer} ended (Fleet:Strategy OneForAll): {Why}")]
        public static partial void PeerRestart(ILogger logger, string name, string peer, string why);
    }
}
