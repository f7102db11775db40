using System.Text;
using System.Text.Json;

namespace MlxSupervisor.Bench.Clients;

/// <summary>
/// A real client's view of a streamed chat completion: HttpClient reading the SSE body line by line, as the OpenAI SDKs
/// do, keeping what a user of the answer would see and how the body ended (cleanly, or with an exception).
/// </summary>
internal static class StreamingChat
{

    /// <summary>A client of the front door: pooled HTTP/1.1 connections, no proxy, no timeout of its own (each read has a bound).</summary>
    public static HttpClient Client(Uri baseAddress) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        MaxConnectionsPerServer = 16,
    })
    {
        BaseAddress = baseAddress,
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Sends one streamed completion and reads it to its end.</summary>
    /// <param name="within">How long the whole exchange may take before it counts as <see cref="StreamReading.NoEnd"/>.</param>
    /// <param name="maxTokens">The request's max_tokens, or null for as many tokens as the server gives.</param>
    /// <param name="firstData">Called as the first data event has been read.</param>
    public static async Task<StreamReading> ReadAsync(HttpClient client, TimeSpan within, int? maxTokens = null, Action? firstData = null)
    {
        var max = maxTokens is { } m ? $",\"max_tokens\":{m.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "";
        var body = $$"""{"model":"sim-model","messages":[{"role":"user","content":"hi"}],"stream":true{{max}}}""";
        using var bound = new CancellationTokenSource(within);
        var sentAt = DateTimeOffset.UtcNow;
        int? status = null;
        DateTimeOffset? firstDataAt = null;
        var content = new StringBuilder();
        var finish = false;
        DateTimeOffset? doneAt = null;
        string? error = null;
        var malformed = 0;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, bound.Token);
            status = (int)response.StatusCode;
            await using var stream = await response.Content.ReadAsStreamAsync(bound.Token);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(bound.Token) is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                    continue; // Blank lines between events, and SSE comments (keepalives): no content.
                var data = line["data:".Length..].Trim();
                if (firstDataAt is null)
                {
                    firstDataAt = DateTimeOffset.UtcNow;
                    firstData?.Invoke();
                }
                if (data == "[DONE]")
                {
                    doneAt ??= DateTimeOffset.UtcNow;
                    continue; // Read on: how the body ends after [DONE] is part of what the client sees.
                }
                if (!Read(data, content, ref finish, ref error))
                    malformed++;
            }
            // A non-2xx body (the front door's OpenAI error JSON) is read as lines too: its status already says it failed.
            return new StreamReading(sentAt, DateTimeOffset.UtcNow, status, firstDataAt, content.ToString(), finish, doneAt, error, malformed, null, NoEnd: false);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            return new StreamReading(sentAt, DateTimeOffset.UtcNow, status, firstDataAt, content.ToString(), finish, doneAt, error, malformed, null, NoEnd: true);
        }
        // What a client of a cut connection gets: HttpRequestException before the headers, HttpIOException (an IOException)
        // from a body that ended early, or a bare SocketException/IOException from a reset.
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException)
        {
            return new StreamReading(sentAt, DateTimeOffset.UtcNow, status, firstDataAt, content.ToString(), finish, doneAt, error, malformed,
                $"{e.GetType().Name}: {e.Message}", NoEnd: false);
        }
    }

    /// <returns>False for a data event that is not JSON.</returns>
    private static bool Read(string data, StringBuilder content, ref bool finish, ref string? error)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return false;
            if (root.TryGetProperty("error", out var problem))
            {
                error ??= problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("message", out var message)
                    ? message.ToString()
                    : problem.ToString();
                return true;
            }
            if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
                return true;
            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var text) && text.ValueKind == JsonValueKind.String)
                    content.Append(text.GetString());
                if (choice.TryGetProperty("finish_reason", out var reason) && reason.ValueKind == JsonValueKind.String)
                    finish = true;
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
