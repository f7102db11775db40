using System.Net;
using System.Net.Sockets;
using MlxSupervisor.Configuration;
using MlxSupervisor.Supervision;
using Yarp.ReverseProxy.Forwarder;

namespace MlxSupervisor.FrontDoor;

/// <summary>
/// The port clients use (Proxy:Listen): a small web app of its own, Kestrel + rate limiting + YARP, in front of the
/// server's private port. It is not the daemon's host turned into a web host, so the daemon without a front door
/// (Proxy:Enabled=false) binds nothing.
/// </summary>
public sealed partial class FrontDoorServer : IHostedLifecycleService, IAsyncDisposable
{
    /// <summary>
    /// How long requests in flight may finish when the daemon stops. Short: the server is stopped right after, and the
    /// host's shutdown time (Shutdown:GracePeriod + 5 s) must leave the grace period to the server.
    /// </summary>
    internal static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(2);

    private readonly ProxyOptions _options;
    private readonly Func<ProxyOptions> _limits;
    private readonly ServerSupervisor _supervisor;
    private readonly FrontDoorStatistics _stats;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Uri _listen;
    private readonly string _upstreamPrefix;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _lock = new();
    private WebApplication? _app;
    private AdmissionLimiter? _limiter;
    private HttpMessageInvoker? _upstream;
    private StallWatchdog? _watchdog;

    /// <param name="options">Validated settings: Proxy:Listen is an address Kestrel can bind, Health:Url is the server's.</param>
    /// <param name="live">The settings in force, when they can be reloaded: Proxy:MaxConcurrentRequests, QueueLimit,
    /// QueueTimeout and StallTimeout then apply at once; Proxy:Listen and Enabled stay as the front door was opened.</param>
    public FrontDoorServer(SupervisorOptions options, ServerSupervisor supervisor, FrontDoorStatistics stats, TimeProvider time, ILoggerFactory loggerFactory,
        Func<SupervisorOptions>? live = null)
    {
        _options = options.Proxy;
        _limits = live is null ? () => options.Proxy : () => live().Proxy;
        _supervisor = supervisor;
        _stats = stats;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("MlxSupervisor.FrontDoor");
        _listen = ProxyOptionsRules.ListenEndPoint(_options.Listen)
            ?? throw new ArgumentException($"Proxy:Listen '{_options.Listen}' is not a listen address.", nameof(options));

        // The server is wherever its health is probed: mlx_lm.server serves /health and the API on one port.
        _upstreamPrefix = new Uri(options.Health.Url!).GetLeftPart(UriPartial.Authority);
    }

    /// <summary>Where clients connect.</summary>
    public Uri Address => _listen;

    /// <summary>
    /// Binds Proxy:Listen and starts serving. The daemon calls it before its host starts, so a port held by another
    /// process ends the daemon with one line instead of the host's "Hosting failed to start" and a stack trace, and
    /// before any server is spawned.
    /// </summary>
    /// <returns>False, after logging why, when the address cannot be bound.</returns>
    public async Task<bool> TryListenAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_app is not null)
                return true;
        }

        var app = Build();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            await app.DisposeAsync();
            _upstream?.Dispose();
            _limiter?.Dispose();
            Log.CannotListen(_logger, _listen.OriginalString, e.InnerException?.Message ?? e.Message);
            return false;
        }

        lock (_lock)
            _app = app;
        _watchdog = new StallWatchdog(_stats, () => _limits().StallTimeout, _supervisor.RequestRestart, _time,
            _logger);
        Log.Listening(_logger, _listen.OriginalString, _upstreamPrefix, _options.MaxConcurrentRequests, _options.QueueLimit);
        return true;
    }

    private WebApplication Build()
    {
        // The empty builder: no configuration sources or appsettings watchers of its own, no default logging providers.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (_listen.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
                kestrel.ListenLocalhost(_listen.Port);
            else
                kestrel.Listen(IPAddress.Parse(_listen.DnsSafeHost), _listen.Port);
        });

        // The daemon's loggers, without a line per request: the hosting, Kestrel and YARP categories log each request at
        // Information or Debug. The inner host's own start failure is reported by TryListenAsync in one line.
        builder.Logging.AddProvider(new DaemonLoggerProvider(_loggerFactory));
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        builder.Logging.AddFilter("System", LogLevel.Warning);

        _limiter = new AdmissionLimiter(_limits, _supervisor.Status, _stats, _time, _shutdown.Token);
        var admission = new AdmissionGate(_limiter, _stats);
        builder.Services.AddMetrics();
        builder.Services.AddHttpForwarder();

        var app = builder.Build();
        _upstream = CreateUpstreamClient();
        var forwarding = new ForwardingEndpoint(app.Services.GetRequiredService<IHttpForwarder>(), _upstream, _upstreamPrefix,
            new ForwarderRequestConfig
            {
                // A backstop only: the stall watchdog restarts a quiet server first.
                ActivityTimeout = _options.StallTimeout * 2,
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            },
            _supervisor.Status, _stats, _time, _options.QueueTimeout, _shutdown.Token, _logger);
        app.Use(admission.HandleAsync);
        app.Run(forwarding.HandleAsync);
        return app;
    }

    private static HttpMessageInvoker CreateUpstreamClient() => new(new SocketsHttpHandler
    {
        // As YARP's own client factory: no proxy, redirects, decompression or cookies between the front door and the server.
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ActivityHeadersPropagator = null,
        ConnectTimeout = TimeSpan.FromSeconds(15),
    }, disposeHandler: true);

    public Task StartingAsync(CancellationToken cancellationToken) => StartListeningAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Queued requests are answered 503 at once; requests in flight get <see cref="DrainTime"/> in StopAsync.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => _shutdown.CancelAsync();

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _shutdown.CancelAsync();
        _watchdog?.Dispose();
        WebApplication? app;
        lock (_lock)
            app = _app;
        if (app is null)
            return;

        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(DrainTime);
        await app.StopAsync(drain.Token);
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _watchdog?.Dispose();
        if (_app is not null)
            await _app.DisposeAsync();
        if (_limiter is not null)
            await _limiter.DisposeAsync();
        _upstream?.Dispose();
        _shutdown.Dispose();
    }

    private async Task StartListeningAsync(CancellationToken cancellationToken)
    {
        // Reached only when the daemon did not call TryListenAsync first (the failure is logged there).
        if (!await TryListenAsync(cancellationToken))
            throw new InvalidOperationException($"The front door cannot listen on {_listen.OriginalString}.");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 20, EventName = "Listening", Level = LogLevel.Information,
            Message = "Front door listening on {Address}, forwarding to the server at {Upstream} ({MaxConcurrent} at once, {QueueLimit} queued)")]
        public static partial void Listening(ILogger logger, string address, string upstream, int maxConcurrent, int queueLimit);

        [LoggerMessage(EventId = 21, EventName = "CannotListen", Level = LogLevel.Critical,
            Message = "Cannot listen on {Address} (Supervisor:Proxy:Listen): {Problem}. Stop what holds the port, or set Proxy:Listen to another address")]
        public static partial void CannotListen(ILogger logger, string address, string problem);
    }
}
