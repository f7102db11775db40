using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace MlxSupervisor.Status.Cli;

/// <summary>Talks to a running daemon's status endpoint.</summary>
public sealed class StatusClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly Uri _base;

    // No proxy: an http_proxy in the operator's environment must not send a loopback request elsewhere.
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = Timeout };

    public StatusClient(Uri address) => _base = address;

    /// <exception cref="StatusUnreachableException"/>
    public async Task<(string Json, StatusDocument Document)> GetStatusAsync(CancellationToken cancellationToken)
    {
        var url = new Uri(_base, "/status");
        var json = await SendAsync(url, new HttpRequestMessage(HttpMethod.Get, url), cancellationToken, expectSuccess: true);
        try
        {
            var document = JsonSerializer.Deserialize<StatusDocument>(json.Body, StatusJson.Options) ?? throw new JsonException("null");
            // A daemon from before fleets answers without servers, until it is restarted with this version.
            return document.Servers is { Count: > 0 }
                ? (json.Body, document)
                : throw new StatusUnreachableException(url, "the answer lists no servers; is the daemon older than this mlx-supervisor? Restart it.");
        }
        catch (JsonException)
        {
            throw new StatusUnreachableException(url, "the answer is not a status document; is something else listening there?");
        }
    }

    /// <param name="server">The server to act on; null for the default one.</param>
    /// <returns>The HTTP status and the daemon's JSON answer.</returns>
    /// <exception cref="StatusUnreachableException"/>
    public async Task<(HttpStatusCode Status, string Body)> PostAsync(string action, string? server, string token, CancellationToken cancellationToken)
    {
        var url = new Uri(_base, "/" + action + (server is null ? "" : $"?{ControlEndpoints.ServerParameter}={Uri.EscapeDataString(server)}"));
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await SendAsync(url, request, cancellationToken, expectSuccess: false);
    }

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(Uri url, HttpRequestMessage request, CancellationToken cancellationToken, bool expectSuccess)
    {
        try
        {
            using (request)
            using (var response = await _http.SendAsync(request, cancellationToken))
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (expectSuccess && !response.IsSuccessStatusCode)
                    throw new StatusUnreachableException(url, $"HTTP {(int)response.StatusCode}");
                return (response.StatusCode, body);
            }
        }
        catch (HttpRequestException e)
        {
            throw new StatusUnreachableException(url, e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused }
                ? "connection refused; is the daemon running?"
                : e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StatusUnreachableException(url, $"no answer within {Timeout.TotalSeconds:0} s");
        }
    }
}
