using System.Net;

namespace MlxSupervisor.Bench.Subjects;

/// <summary>Polls the server's /health as a client would, to time when it answers 200 again.</summary>
internal sealed class HealthPoller : IDisposable
{
    /// <summary>Short enough to time recovery to a few ms, cheap enough (a refused connect) not to load the machine.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(5);

    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        // A new connection for every poll, like a client arriving after the crash: no pooled connection to a dead server.
        PooledConnectionLifetime = TimeSpan.Zero,
        ConnectTimeout = TimeSpan.FromSeconds(1),
    })
    { Timeout = TimeSpan.FromSeconds(1) };

    /// <returns>The time the first 200 arrived.</returns>
    public async Task<DateTimeOffset> WaitHealthyAsync(Uri url, TimeSpan within)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await IsHealthyAsync(url))
                return DateTimeOffset.UtcNow;
            await Task.Delay(Period);
        }
        throw new TimeoutException($"{url} did not answer 200 within {within.TotalSeconds:0.#} s");
    }

    public async Task<bool> IsHealthyAsync(Uri url)
    {
        try
        {
            using var response = await _client.GetAsync(url);
            return response.StatusCode == HttpStatusCode.OK;
        }
        // A server dying or starting can also fail a connect with a bare SocketException (ENOTCONN when the peer
        // resets before HttpClient reads its address) or an IOException, not only an HttpRequestException.
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException or IOException)
        {
            return false;
        }
    }

    public void Dispose() => _client.Dispose();
}
