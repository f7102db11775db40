using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MlxSupervisor.Configuration;
using MlxSupervisor.Fleet;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Ledger;
using MlxSupervisor.Status;
using MlxSupervisor.Status.Metrics;

namespace MlxSupervisor.Tests.Support;

/// <summary>
/// A fleet of supervisors on one fake clock, with scripted launchers and probes (<see cref="SupervisorHarness"/>), and
/// what the status endpoint reads of them (<see cref="FleetStatus"/>): for the specs where time matters ("2 s ago").
/// With no names it is the single server of settings without <c>Servers</c>, named "default".
/// </summary>
public sealed class FakeFleet : IAsyncDisposable
{
    private readonly Dictionary<string, SupervisorHarness> _harnesses = [];
    private readonly Dictionary<string, FrontDoorStatistics> _activities = [];
    private readonly Dictionary<string, ServerUnit> _units = [];
    private SupervisorMetrics? _metrics;
    private StatusServer? _server;

    /// <param name="memory">What the servers' processes measure; none when null. Their pids are made up: the n-th server's
    /// first is 1001 + 1000 n.</param>
    /// <param name="configure">Each server's settings, by name: its sections, and how it is listed (Start, MemoryEstimate).</param>
    public FakeFleet(string[] names, IResidentMemoryReader? memory = null, Func<string, SupervisorOptions, ServerSettings>? configure = null,
        MemoryLedger? ledger = null)
    {
        Memory = memory ?? new NoMemory();
        if (names.Length == 0)
        {
            var h = Harness(ServerSettings.DefaultName);
            Fleet = LoneUnit.Fleet(h.Options, h.Supervisor, _activities[ServerSettings.DefaultName], Time);
            Live = null;
        }
        else
        {
            var options = new SupervisorOptions();
            var servers = new List<ServerSettings>();
            foreach (var name in names)
            {
                var h = Harness(name);
                var settings = configure?.Invoke(name, h.Options) ?? TestFleet.Settings(name, h.Options);
                servers.Add(settings);
                _units[name] = TestFleet.Unit(name, () => settings, h.Supervisor, _activities[name], Time);
            }
            options.Servers = servers;
            Live = new LiveSupervisorOptions(options);
            Fleet = TestFleet.Of(Live, _units);
        }
        Timeline = new RestartTimeline(Fleet, Time);
        Status = new FleetStatus(Fleet, Timeline, Memory, Time, new FrontDoorFigures(Fleet), ledger);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    public IResidentMemoryReader Memory { get; }

    public ServerFleet Fleet { get; }

    /// <summary>The settings of a fleet; null for the single server.</summary>
    public LiveSupervisorOptions? Live { get; }

    public RestartTimeline Timeline { get; }

    public FleetStatus Status { get; }

    public SupervisorHarness this[string name] => _harnesses[name];

    /// <summary>The single server, or the first.</summary>
    public SupervisorHarness Only => _harnesses.Values.First();

    public FrontDoorStatistics Activity(string name) => _activities[name];

    /// <summary>A status endpoint over the fleet, on a port the OS picks, serving the fake clock's time.</summary>
    public async Task<Uri> StartStatusAsync()
    {
        _metrics = new SupervisorMetrics(Fleet, Memory, Time);
        _server = new StatusServer(new StatusOptions { Listen = "http://127.0.0.1:0" }, Status, _metrics, NullLoggerFactory.Instance);
        await _server.StartAsync(CancellationToken.None);
        return _server.Address!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync(CancellationToken.None);
            await _server.DisposeAsync();
        }
        _metrics?.Dispose();
        Timeline.Dispose();
        foreach (var h in _harnesses.Values)
            await h.DisposeAsync();
        foreach (var activity in _activities.Values)
            activity.Dispose();
    }

    private SupervisorHarness Harness(string name)
    {
        var activity = new FrontDoorStatistics(Time, server: name);
        var h = new SupervisorHarness(activity: activity, time: Time, firstPid: 1001 + (1000 * _harnesses.Count));
        _harnesses[name] = h;
        _activities[name] = activity;
        return h;
    }

    private sealed class NoMemory : IResidentMemoryReader
    {
        public long? ResidentBytes(int processGroupId) => null;
    }
}
