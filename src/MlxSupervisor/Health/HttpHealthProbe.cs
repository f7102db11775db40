using System.Net;
using System.Net.Sockets;

namespace MlxSupervisor.Health;

/// <summary>GETs the health URL; any 2xx is healthy, anything else is a named failure.</summary>
public sealed class HttpHealthProbe(HttpClient client, TimeProvider time) : IHealthProbe
{
    public async Task<HealthProbeResult> ProbeAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var took = time.GetElapsedTime(started);
            return response.IsSuccessStatusCode
                ? HealthProbeResult.Ok(took)
                : HealthProbeResult.Failed(took, $"HTTP {(int)response.StatusCode}");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return HealthProbeResult.Failed(time.GetElapsedTime(started), $"timeout after {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return HealthProbeResult.Failed(time.GetElapsedTime(started), Describe(e));
        }
    }

    public Task<bool> IsListeningAsync(Uri url, CancellationToken cancellationToken) => Process.PortWaiter.IsListeningAsync(url, cancellationToken);

    internal static string Describe(HttpRequestException e) => e.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.ConnectionReset } => "connection reset",
        IOException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset } } => "connection reset",
        _ when e.HttpRequestError == HttpRequestError.ResponseEnded => "connection closed before a response",
        _ when e.StatusCode is { } code => $"HTTP {(int)code}",
        _ => e.Message,
    };

    /// <summary>A client for probes only: no pooled connection outlives a restart of the server.</summary>
    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromSeconds(30),
        AllowAutoRedirect = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
