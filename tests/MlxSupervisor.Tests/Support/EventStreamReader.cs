using System.Net.Http.Headers;
using System.Text;
using System.Threading.Channels;

namespace MlxSupervisor.Tests.Support;

/// <summary>
/// Reads a streamed completion line by line, comments included, as they arrive; the test sees each line, and then how
/// the body ended: cleanly, or with an exception from the connection.
/// </summary>
public sealed class EventStreamReader : IAsyncDisposable
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly HttpResponseMessage _response;
    private readonly Task _reading;

    private EventStreamReader(HttpResponseMessage response)
    {
        _response = response;
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Null once the body has ended, cleanly.</summary>
    public Exception? Failure { get; private set; }

    public List<string> Seen { get; } = [];

    public static async Task<EventStreamReader> OpenAsync(HttpClient client, int maxTokens)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $"{{\"model\":\"sim-model\",\"messages\":[{{\"role\":\"user\",\"content\":\"hello\"}}],\"stream\":true,\"max_tokens\":{maxTokens}}}",
                Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Timeouts.Wait);
        return new EventStreamReader(response);
    }

    public int StatusCode => (int)_response.StatusCode;

    /// <summary>Waits for the next line that satisfies <paramref name="condition"/>; every line read on the way is kept.</summary>
    public async Task<string> NextAsync(Func<string, bool> condition)
    {
        using var bound = new CancellationTokenSource(Timeouts.Wait);
        await foreach (var line in _lines.Reader.ReadAllAsync(bound.Token))
        {
            Seen.Add(line);
            if (condition(line))
                return line;
        }
        throw new EndOfStreamException($"The stream ended ({Failure?.Message ?? "cleanly"}) without such a line; it had: {string.Join(" | ", Seen)}");
    }

    /// <summary>Reads the rest of the body; returns once it has ended, however it ended.</summary>
    public async Task<List<string>> RestAsync()
    {
        using var bound = new CancellationTokenSource(Timeouts.Wait);
        await foreach (var line in _lines.Reader.ReadAllAsync(bound.Token))
            Seen.Add(line);
        await _reading;
        return Seen;
    }

    public IEnumerable<string> DataLines => Seen.Where(l => l.StartsWith("data:", StringComparison.Ordinal));

    private async Task ReadAsync()
    {
        try
        {
            await using var body = await _response.Content.ReadAsStreamAsync();
            using var reader = new StreamReader(body);
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.Length > 0)
                    await _lines.Writer.WriteAsync(line);
            }
        }
        catch (Exception e)
        {
            Failure = e;
        }
        finally
        {
            _lines.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _response.Dispose();
        await _reading.WaitAsync(Timeouts.Wait);
    }
}
