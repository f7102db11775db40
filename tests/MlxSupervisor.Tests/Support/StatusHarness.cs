using Microsoft.Extensions.Logging;
using MlxSupervisor.Configuration;
using MlxSupervisor.Fleet;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Process;
using MlxSupervisor.Status;
using MlxSupervisor.Status.Metrics;

namespace MlxSupervisor.Tests.Support;

/// <summary>
/// A <see cref="StatusServer"/> in front of a <see cref="RealSupervisor"/> of the simulated server, the single server
/// of a fleet of one, on a port the OS picks. Disposing it stops both and fails the test if a server process is left.
/// </summary>
public sealed class StatusHarness : IAsyncDisposable
{
    public const string Token = "test-token-5f2a";

    private readonly ILoggerFactory _loggerFactory;

    public StatusHarness(IEnumerable<string> simArguments, Action<SupervisorOptions>? configure = null, string? token = Token,
        Func<ServerFleet, IFrontDoorFigures>? frontDoor = null)
    {
        Supervisor = new RealSupervisor(simArguments, o =>
        {
            // Probes as patient as the machine allows: a server declared dead by a slow probe under load would
            // restart when a spec expects it not to.
            o.Health.Interval = TimeSpan.FromMilliseconds(500);
            o.Health.Timeout = TimeSpan.FromMilliseconds(400);
            configure?.Invoke(o);
        });
        Fleet = LoneUnit.Fleet(Supervisor.Options, Supervisor.Supervisor, Activity, TimeProvider.System);
        var memory = new LinuxResidentMemory(new LinuxProcessTable());
        Metrics = new SupervisorMetrics(Fleet, memory, TimeProvider.System);
        Timeline = new RestartTimeline(Fleet, TimeProvider.System);
        Options = new StatusOptions { Listen = "http://127.0.0.1:0", Token = token };
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(Supervisor.Logs).SetMinimumLevel(LogLevel.Information));
        Server = new StatusServer(Options, new FleetStatus(Fleet, Timeline, memory, TimeProvider.System, frontDoor?.Invoke(Fleet)), Metrics, _loggerFactory);
    }

    public RealSupervisor Supervisor { get; }

    /// <summary>The front door's figures of the server's requests, which a spec may move itself.</summary>
    public FrontDoorStatistics Activity { get; } = new(TimeProvider.System);

    public ServerFleet Fleet { get; }

    public SupervisorMetrics Metrics { get; }

    public RestartTimeline Timeline { get; }

    public StatusOptions Options { get; }

    public StatusServer Server { get; }

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };

    public Uri Address => Server.Address ?? throw new InvalidOperationException("Not started");

    /// <summary>Starts the endpoint, then the supervisor.</summary>
    public async Task StartAsync()
    {
        await Server.StartAsync(CancellationToken.None);
        Http.BaseAddress = Address;
        Supervisor.Run();
    }

    public Task<StatusDocument> StatusAsync() => Http.StatusAsync();

    public Task<PrometheusText> MetricsAsync() => Http.MetricsAsync();

    public Task<HttpResponseMessage> PostAsync(string path, string? bearer) => Http.ControlAsync(path, bearer);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.StopAsync(CancellationToken.None);
        await Server.DisposeAsync();
        await Supervisor.DisposeAsync();
        Metrics.Dispose();
        Timeline.Dispose();
        Activity.Dispose();
        _loggerFactory.Dispose();
    }
}
