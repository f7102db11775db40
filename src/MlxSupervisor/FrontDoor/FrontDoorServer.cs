using System.Net;
using System.Net.Sockets;
using MlxSupervisor.Configuration;
using MlxSupervisor.Fleet;
using MlxSupervisor.Routing;
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
    private readonly Func<SupervisorOptions> _live;
    private readonly ServerFleet _fleet;
    private readonly OnDemandStarts? _starts;
    private readonly ModelRouter _router;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Uri _listen;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _lock = new();
    private WebApplication? _app;
    private IHttpForwarder? _forwarder;
    private Dictionary<string, ServerRoute> _routes = [];

    /// <param name="options">Validated settings: Proxy:Listen is an address Kestrel can bind, every server's Health:Url is its own.</param>
    /// <param name="live">The settings in force: the servers' Proxy:MaxConcurrentRequests, QueueLimit, QueueTimeout and
    /// StallTimeout apply at once; Proxy:Listen and Enabled stay as the front door was opened.</param>
    /// <param name="starts">Starts OnDemand servers for their requests; null when none can be (tests of one server).</param>
    public FrontDoorServer(SupervisorOptions options, ServerFleet fleet, TimeProvider time, ILoggerFactory loggerFactory,
        Func<SupervisorOptions>? live = null, OnDemandStarts? starts = null)
    {
        _options = options.Proxy;
        _live = live ?? (() => options);
        _fleet = fleet;
        _starts = starts;
        _router = new ModelRouter(fleet, _live);
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("MlxSupervisor.FrontDoor");
        _listen = ProxyOptionsRules.ListenEndPoint(_options.Listen)
            ?? throw new ArgumentException($"Proxy:Listen '{_options.Listen}' is not a listen address.", nameof(options));
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
            await DisposeRoutesAsync();
            Log.CannotListen(_logger, _listen.OriginalString, e.InnerException?.Message ?? e.Message);
            return false;
        }

        lock (_lock)
            _app = app;
        foreach (var unit in _fleet.Units)
        {
            var proxy = unit.Settings.Options.Proxy;
            Log.Listening(_logger, _listen.OriginalString, unit.Name, new Uri(unit.Settings.Options.Health.Url!).GetLeftPart(UriPartial.Authority),
                proxy.MaxConcurrentRequests, proxy.QueueLimit);
        }
        return true;
    }

    private WebApplication Build()
    {
        // The empty builder: no configuration sources or appsettings watchers of its own, no default logging providers.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore();
        // A request's code runs on the thread that read its bytes, not queued to another pool thread first: on a 2-core
        // machine each hand-off was a context switch, and those were most of the front door's cost per request
        // (docs/front-door-performance.md). Nothing on the request path blocks a thread: it awaits.
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
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
        builder.Services.AddMetrics();
        builder.Services.AddHttpForwarder();

        var app = builder.Build();
        _forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        RebuildRoutes();
        _fleet.UnitsChanged += RebuildRoutes;
        app.Use(RouteAsync);
        app.Use(static (context, next) => context.Features.Get<ServerRoute>()!.Gate.HandleAsync(context, next));
        app.Run(static context => context.Features.Get<ServerRoute>()!.Endpoint.HandleAsync(context));
        return app;
    }

    /// <summary>
    /// Chooses the request's server. With one server that is all there is to it, and nothing is read; with a fleet, the
    /// model its body names decides, <c>GET /v1/models</c> is answered here, and an OnDemand server is started first.
    /// </summary>
    private async Task RouteAsync(HttpContext context, RequestDelegate next)
    {
        var routes = Volatile.Read(ref _routes);
        if (routes.Count == 1 && !_live().IsFleet)
        {
            context.Features.Set(routes.Values.First());
            await next(context);
            return;
        }

        if (HttpMethods.IsGet(context.Request.Method) && context.Request.Path.Value is "/v1/models")
        {
            await ModelsList.WriteAsync(context.Response, _fleet.Units, context.RequestAborted);
            return;
        }
        var namesModel = RequestedModel.Names(context.Request);
        var model = namesModel ? await RequestedModel.ReadAsync(context.Request, context.RequestAborted) : null;
        if (_router.Choose(model) is not { } unit || !routes.TryGetValue(unit.Name, out var route))
        {
            await ModelNotFoundAsync(context, model, namesModel);
            return;
        }
        if (OnDemandStarts.NeedsStart(unit) || unit.Supervisor.HeldFor is not null)
        {
            if (await StartAsync(unit, context) is { } refusal)
            {
                await RejectionResponse.WriteAsync(context, refusal, unit.Activity);
                return;
            }
        }
        context.Features.Set(route);
        await next(context);
    }

    /// <summary>Starts a stopped OnDemand server for the request, within Proxy:QueueTimeout; a server stopped by a person or its policy is not.</summary>
    private async Task<RejectedLease?> StartAsync(ServerUnit unit, HttpContext context)
    {
        if (unit.Supervisor.HeldFor is { StartsOnDemand: false } held)
            return Refusals.ServerStopped(unit.Name, held.Reason);
        if (_starts is null)
            return null;
        using var deadline = new CancellationTokenSource(unit.Settings.Options.Proxy.QueueTimeout, _time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, deadline.Token, _shutdown.Token);
        try
        {
            return await _starts.EnsureStartedAsync(unit, wait.Token) is { } noRoom ? Refusals.InsufficientMemory(noRoom) : null;
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            return _shutdown.IsCancellationRequested ? Refusals.ShuttingDown() : Refusals.QueueTimeout(unit.Settings.Options.Proxy.QueueTimeout);
        }
    }

    private Task ModelNotFoundAsync(HttpContext context, string? model, bool namesModel)
    {
        var served = string.Join(", ", _router.Served());
        var message = !namesModel
            ? $"{context.Request.Method} {context.Request.Path} names no model, so it goes to Fleet:DefaultServer, and there is none. The models served are: {served}."
            : model is null
                ? $"The request names no model, and there is no Fleet:DefaultServer. The models served are: {served}."
                : $"The model '{model}' is not served here. The models served are: {served}.";
        return OpenAiError.WriteAsync(context.Response, StatusCodes.Status404NotFound, message, "invalid_request_error", "model_not_found",
            retryAfter: null, context.RequestAborted);
    }

    /// <summary>One route per server; a reload that adds or removes servers adds or removes theirs.</summary>
    private void RebuildRoutes()
    {
        List<ServerRoute> retired;
        lock (_lock)
        {
            var current = _routes;
            var next = new Dictionary<string, ServerRoute>();
            foreach (var unit in _fleet.Units)
            {
                next[unit.Name] = current.TryGetValue(unit.Name, out var kept) && kept.Unit == unit
                    ? kept
                    : new ServerRoute(unit, _forwarder!, _time, _shutdown.Token, _logger);
            }
            retired = [.. current.Values.Where(r => !next.ContainsValue(r))];
            Volatile.Write(ref _routes, next);
        }
        // Requests already on a retired route finish on it; it is disposed when the front door closes.
        lock (_retired)
            _retired.AddRange(retired);
    }

    private readonly List<ServerRoute> _retired = [];

    private async Task DisposeRoutesAsync()
    {
        List<ServerRoute> all;
        lock (_lock)
        {
            all = [.. _routes.Values];
            _routes = [];
        }
        lock (_retired)
        {
            all.AddRange(_retired);
            _retired.Clear();
        }
        foreach (var route in all)
            await route.DisposeAsync();
    }

    public Task StartingAsync(CancellationToken cancellationToken) => StartListeningAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Queued requests are answered 503 at once; requests in flight get <see cref="DrainTime"/> in StopAsync.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => _shutdown.CancelAsync();

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _shutdown.CancelAsync();
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
        _fleet.UnitsChanged -= RebuildRoutes;
        if (_app is not null)
            await _app.DisposeAsync();
        await DisposeRoutesAsync();
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
            Message = "Front door listening on {Address}, forwarding to the server {Server} at {Upstream} ({MaxConcurrent} at once, {QueueLimit} queued)")]
        public static partial void Listening(ILogger logger, string address, string server, string upstream, int maxConcurrent, int queueLimit);

        [LoggerMessage(EventId = 21, EventName = "CannotListen", Level = LogLevel.Critical,
            Message = "Cannot listen on {Address} (Supervisor:Proxy:Listen): {Problem}. Stop what holds the port, or set Proxy:Listen to another address")]
        public static partial void CannotListen(ILogger logger, string address, string problem);
    }
}
