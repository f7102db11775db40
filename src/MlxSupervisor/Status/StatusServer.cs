using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Status.Metrics;
using OpenTelemetry.Metrics;

namespace MlxSupervisor.Status;

/// <summary>
/// The control endpoint: its own small Kestrel web host on <c>Status:Listen</c>, beside (not instead of) the
/// daemon's generic host, so the daemon stays a worker and the front door can run its own listener the same way.
/// It reads only the fleet's snapshots (<see cref="FleetStatus"/>) and asks each server's supervisor through its
/// public requests.
/// </summary>
public sealed partial class StatusServer : IAsyncDisposable
{
    /// <summary>Every Meter of this program: the supervisor's own and the front door's.</summary>
    public const string MeterPrefix = "MlxSupervisor";

    /// <summary>
    /// The runtime's built-in Meter (.NET 9 and later): the daemon's own GC heap, threads and timers, which is how
    /// a leak in the daemon itself shows, as opposed to one in the server it supervises.
    /// </summary>
    public const string RuntimeMeter = "System.Runtime";

    private readonly StatusOptions _options;
    private readonly FleetStatus _status;
    private readonly SupervisorMetrics _metrics;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private WebApplication? _app;

    /// <param name="starts">Starts a held server within the memory budget for an operator's start; null: the start is asked of the supervisor directly.</param>
    private readonly Fleet.OnDemandStarts? _starts;

    public StatusServer(StatusOptions options, FleetStatus status, SupervisorMetrics metrics, ILoggerFactory loggerFactory,
        Fleet.OnDemandStarts? starts = null)
    {
        _starts = starts;
        _options = options;
        _status = status;
        _metrics = metrics;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("MlxSupervisor.Status");
    }

    /// <summary>Where it listens once started; the real port when Status:Listen asked for port 0.</summary>
    public Uri? Address { get; private set; }

    /// <exception cref="StatusListenException">The address cannot be bound.</exception>
    /// <exception cref="Configuration.SettingsException">The token file cannot be read.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!ListenAddress.TryParse(_options.Listen, out var listen))
            throw new InvalidOperationException($"Status:Listen '{_options.Listen}' was not validated");
        var token = StatusToken.Load(_options);

        var app = Build(listen, token);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or AddressInUseException)
        {
            await app.DisposeAsync();
            throw new StatusListenException(listen, Describe(e), e);
        }

        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        Address = bound is not null ? new Uri(bound) : listen;
        Log.Listening(_logger, Address.ToString().TrimEnd('/'), token is null ? "off: no Status:Token or Status:TokenFile" : "on");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
            await app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync();
        }
    }

    private WebApplication Build(Uri listen, StatusToken? token)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = "mlx-supervisor",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().UseUrls(listen.ToString());
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new FrontDoor.DaemonLoggerProvider(_loggerFactory));

        // The web host's own "Hosting failed to start" comes with a stack trace; a taken port is reported in one
        // line by StatusHostedService instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Services.AddSingleton<IHostLifetime, NoHostLifetime>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MeterPrefix + "*", RuntimeMeter)
            .AddView(instrument => IsAnotherDaemons(instrument) ? MetricStreamConfiguration.Drop : null)
            .AddPrometheusExporter(prometheus =>
            {
                // Each scrape sees the figures of that moment; the default 300 ms cache would hide a change from a quick re-scrape.
                prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
                prometheus.ScopeInfoEnabled = false;
                prometheus.TargetInfoEnabled = false;
            }));

        var app = builder.Build();
        StatusEndpoints.Map(app, _status.Document);
        ControlEndpoints.Map(app, _status.Fleet, _starts, token, _logger);
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>
    /// A process runs one daemon, but the tests run several supervisors and front doors side by side; OpenTelemetry
    /// listens to Meters by name, so each endpoint keeps only its own daemon's instruments.
    /// </summary>
    private bool IsAnotherDaemons(System.Diagnostics.Metrics.Instrument instrument) => instrument.Meter.Name switch
    {
        SupervisorMetrics.MeterName => !ReferenceEquals(instrument.Meter, _metrics.Meter),
        FrontDoor.FrontDoorStatistics.MeterName => _status.FrontDoor?.Owns(instrument.Meter) != true,
        _ => false,
    };

    private static string Describe(Exception e) =>
        e is AddressInUseException || e.InnerException is AddressInUseException
            ? "the address is already in use (is another mlx-supervisor running?)"
            : (e.InnerException ?? e).Message;

    private static partial class Log
    {
        [LoggerMessage(EventId = 500, EventName = "StatusListening", Level = LogLevel.Information,
            Message = "Status endpoint on {Address} (page at /, JSON at /status, Prometheus at /metrics; control requests {Control})")]
        public static partial void Listening(ILogger logger, string address, string control);
    }
}
