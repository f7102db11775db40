using MlxSupervisor.Configuration;
using MlxSupervisor.Fleet;
using Yarp.ReverseProxy.Forwarder;

namespace MlxSupervisor.FrontDoor;

/// <summary>
/// The front door's way to one server: its own admission (concurrency limit and queue, so a queue for one model never
/// blocks another model's requests), its own connection pool and forwarding, and its own stall watchdog.
/// </summary>
internal sealed class ServerRoute : IAsyncDisposable
{
    private readonly AdmissionLimiter _limiter;
    private readonly HttpMessageInvoker _upstream;
    private readonly StallWatchdog _watchdog;

    public ServerRoute(ServerUnit unit, IHttpForwarder forwarder, TimeProvider time, CancellationToken shutdown, ILogger logger)
    {
        Unit = unit;
        ProxyOptions Proxy() => unit.Settings.Options.Proxy;
        _limiter = new AdmissionLimiter(Proxy, unit.Status, unit.Activity, time, shutdown);
        Gate = new AdmissionGate(_limiter, unit.Activity);
        _upstream = CreateUpstreamClient();
        var proxy = Proxy();
        Endpoint = new ForwardingEndpoint(forwarder, _upstream, unit,
            new ForwarderRequestConfig
            {
                // A backstop only: the stall watchdog restarts a quiet server first.
                ActivityTimeout = proxy.StallTimeout * 2,
                Version = System.Net.HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            },
            time, proxy.QueueTimeout, shutdown, logger);
        _watchdog = new StallWatchdog(unit.Activity, () => Proxy().StallTimeout, unit.Supervisor.RequestRestart, time, logger);
    }

    public ServerUnit Unit { get; }

    public AdmissionGate Gate { get; }

    public ForwardingEndpoint Endpoint { get; }

    private static HttpMessageInvoker CreateUpstreamClient() => new(new SocketsHttpHandler
    {
        // As YARP's own client factory: no proxy, redirects, decompression or cookies between the front door and the server.
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
        ActivityHeadersPropagator = null,
        ConnectTimeout = TimeSpan.FromSeconds(15),
    }, disposeHandler: true);

    public async ValueTask DisposeAsync()
    {
        _watchdog.Dispose();
        await _limiter.DisposeAsync();
        _upstream.Dispose();
    }
}
