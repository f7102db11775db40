using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MlxSupervisor.Configuration;
using MlxSupervisor.Fleet;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Ledger;
using MlxSupervisor.Memory;
using MlxSupervisor.Process;
using MlxSupervisor.Status;
using MlxSupervisor.Status.Metrics;

namespace MlxSupervisor.Tests.Support;

/// <summary>
/// A fleet of real simulated servers on loopback, each a <see cref="RealSupervisor"/> the harness runs, with its
/// front door statistics on the one Meter of a real meter factory (as the daemon's servers share theirs), a memory
/// ledger, and a <see cref="StatusServer"/> in front of them on a port the OS picks. A reload adds servers
/// (<see cref="AddAsync"/>). Disposing it stops everything and fails the test if a server process is left.
/// </summary>
public sealed class FleetHarness : IAsyncDisposable
{
    private readonly Dictionary<string, ServerUnit> _units = [];
    private readonly Dictionary<string, RealSupervisor> _supervisors = [];
    private readonly Dictionary<string, FrontDoorStatistics> _activities = [];
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ILoggerFactory _loggerFactory;
    private readonly TempDirectory _state = new();
    private readonly Action<string, SupervisorOptions>? _configure;

    /// <param name="names">The servers' names.</param>
    /// <param name="configure">Settings of each server, by name, after the harness's own millisecond-scale ones.</param>
    /// <param name="fleet">The Fleet section: DefaultServer, MemoryBudget...</param>
    public FleetHarness(IEnumerable<string> names, Action<string, SupervisorOptions>? configure = null, Action<FleetOptions>? fleet = null,
        string? token = StatusHarness.Token)
    {
        _configure = configure;
        fleet?.Invoke(Options.Fleet);
        // In the order of their names, as the daemon's settings list them.
        Options.Servers = [.. names.Order(StringComparer.Ordinal).Select(Create)];
        Live = new LiveSupervisorOptions(Options);
        Fleet = TestFleet.Of(Live, _units);
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Information));

        var memory = new LinuxResidentMemory(new LinuxProcessTable());
        Ledger = new MemoryLedger(new LinuxServerMemoryReader(new LinuxProcessTable()), new PeakFootprintStore(_state.Path, NullLogger.Instance), () => Live.Current);
        Metrics = new SupervisorMetrics(Fleet, memory, TimeProvider.System, Ledger);
        Timeline = new RestartTimeline(Fleet, TimeProvider.System);
        StatusOptions = new StatusOptions { Listen = "http://127.0.0.1:0", Token = token };
        Server = new StatusServer(StatusOptions, new FleetStatus(Fleet, Timeline, memory, TimeProvider.System, new FrontDoorFigures(Fleet), Ledger),
            Metrics, _loggerFactory);
    }

    /// <summary>The top-level settings; their Servers are the fleet's.</summary>
    public SupervisorOptions Options { get; } = new();

    public LiveSupervisorOptions Live { get; }

    public ServerFleet Fleet { get; }

    public MemoryLedger Ledger { get; }

    public SupervisorMetrics Metrics { get; }

    public RestartTimeline Timeline { get; }

    public StatusOptions StatusOptions { get; }

    public StatusServer Server { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };

    public Uri Address => Server.Address ?? throw new InvalidOperationException("Not started");

    public RealSupervisor this[string name] => _supervisors[name];

    /// <summary>The front door's figures of the requests for <paramref name="name"/>'s models, which a spec may move itself.</summary>
    public FrontDoorStatistics Activity(string name) => _activities[name];

    /// <summary>Starts the endpoint, then every supervisor.</summary>
    public async Task StartAsync()
    {
        await Server.StartAsync(CancellationToken.None);
        Http.BaseAddress = Address;
        foreach (var supervisor in _supervisors.Values)
            supervisor.Run();
    }

    /// <summary>An edit of the settings that adds the server <paramref name="name"/>, which the harness then runs.</summary>
    public RealSupervisor Add(string name)
    {
        var settings = Create(name);
        var next = new SupervisorOptions { Fleet = Options.Fleet, Status = Options.Status, Notify = Options.Notify };
        next.Servers = [.. Live.Current.Servers, settings];
        Live.Replace(next);
        _supervisors[name].Run();
        return _supervisors[name];
    }

    /// <summary>An edit of the settings that removes the server <paramref name="name"/>; the harness stops it.</summary>
    public async Task RemoveAsync(string name)
    {
        var next = new SupervisorOptions { Fleet = Options.Fleet, Status = Options.Status, Notify = Options.Notify };
        next.Servers = [.. Live.Current.Servers.Where(s => s.Name != name)];
        Live.Replace(next);
        await _supervisors[name].StopAsync();
    }

    public Task<StatusDocument> StatusAsync() => Http.StatusAsync();

    public Task<PrometheusText> MetricsAsync() => Http.MetricsAsync();

    public Task<HttpResponseMessage> PostAsync(string path, string? bearer = StatusHarness.Token) => Http.ControlAsync(path, bearer);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.StopAsync(CancellationToken.None);
        await Server.DisposeAsync();
        foreach (var supervisor in _supervisors.Values)
            await supervisor.DisposeAsync();
        Metrics.Dispose();
        Timeline.Dispose();
        foreach (var activity in _activities.Values)
            activity.Dispose();
        await _meters.DisposeAsync();
        _loggerFactory.Dispose();
        _state.Dispose();
    }

    private ServerSettings Create(string name)
    {
        var supervisor = new RealSupervisor([], o =>
        {
            // As patient as StatusHarness's probes: a slow probe under load must not restart a server a spec expects to keep.
            o.Health.Interval = TimeSpan.FromMilliseconds(500);
            o.Health.Timeout = TimeSpan.FromMilliseconds(400);
            _configure?.Invoke(name, o);
        });
        var settings = TestFleet.Settings(name, supervisor.Options);
        var activity = new FrontDoorStatistics(TimeProvider.System, _meters.GetRequiredService<IMeterFactory>(), name);
        _supervisors[name] = supervisor;
        _activities[name] = activity;
        _units[name] = TestFleet.Unit(name, () => Live.Current.ServerNamed(name) ?? settings, supervisor.Supervisor, activity, TimeProvider.System);
        return settings;
    }
}
