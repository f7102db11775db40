using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MlxSupervisor.Health;

/// <summary>
/// POSTs a one-token streaming completion and waits for the first SSE data event (or, from a server that does not
/// stream, a complete 2xx JSON body). A 4xx or 5xx is a refusal, with the server's own words: mlx_lm.server answers
/// 404 <c>{"error": "..."}</c> when the model failed to load.
/// </summary>
public sealed class HttpGenerationProbe(HttpClient client, TimeProvider time) : IGenerationProbe
{
    /// <summary>Enough of an error body for its message, and of a JSON body to know it is whole.</summary>
    private const int MaxErrorBytes = 4096;
    private const int MaxBodyBytes = 1024 * 1024;
    private const int MaxReasonChars = 300;

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public async Task<GenerationProbeResult> ProbeAsync(Uri url, string? model, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(Body(url, model)) };
            request.Content.Headers.ContentType = Json;
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            await using var body = await response.Content.ReadAsStreamAsync(linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                var text = await ReadErrorAsync(body, linked.Token);
                return GenerationProbeResult.Refused(time.GetElapsedTime(started), status,
                    text.Length == 0 ? $"HTTP {status}" : $"HTTP {status}: {text}");
            }

            var failure = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
                ? await FirstDataEventAsync(body, linked.Token)
                : await WholeJsonAsync(body, linked.Token);
            var took = time.GetElapsedTime(started);
            return failure is null ? GenerationProbeResult.Ok(took) : GenerationProbeResult.Failed(took, failure);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return GenerationProbeResult.NoToken(timeout);
        }
        catch (HttpRequestException e)
        {
            return GenerationProbeResult.Failed(time.GetElapsedTime(started), HttpHealthProbe.Describe(e));
        }
        catch (IOException e)
        {
            return GenerationProbeResult.Failed(time.GetElapsedTime(started), $"the connection broke: {e.Message}");
        }
    }

    /// <summary>The smallest request that makes the server generate: one token, one word.</summary>
    internal static byte[] Body(Uri url, string? model)
    {
        var chat = !url.AbsolutePath.EndsWith("/completions", StringComparison.Ordinal) || url.AbsolutePath.Contains("chat", StringComparison.Ordinal);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (model is not null)
                json.WriteString("model", model);
            if (chat)
            {
                json.WriteStartArray("messages");
                json.WriteStartObject();
                json.WriteString("role", "user");
                json.WriteString("content", "Hi");
                json.WriteEndObject();
                json.WriteEndArray();
            }
            else
            {
                json.WriteString("prompt", "Hi");
            }
            json.WriteNumber("max_tokens", 1);
            json.WriteBoolean("stream", true);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <returns>Null when a data event with a token (not an error, not the end) came first.</returns>
    private static async Task<string?> FirstDataEventAsync(Stream body, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            // SSE comments (": keepalive 10/200" while mlx_lm.server processes the prompt) carry no token.
            if (!line.StartsWith("data:", StringComparison.Ordinal))
                continue;
            var data = line["data:".Length..].Trim();
            if (data == "[DONE]")
                return "the stream ended before a token";
            return ErrorIn(data) is { } error ? $"error event: {error}" : null;
        }
        return "the stream ended before a token";
    }

    private static async Task<string?> WholeJsonAsync(Stream body, CancellationToken cancellationToken)
    {
        var bytes = await ReadUpToAsync(body, MaxBodyBytes, cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return ErrorIn(document.RootElement) is { } error ? $"error: {error}" : null;
        }
        catch (JsonException)
        {
            return "the answer was not complete JSON";
        }
    }

    private static async Task<string> ReadErrorAsync(Stream body, CancellationToken cancellationToken)
    {
        var bytes = await ReadUpToAsync(body, MaxErrorBytes, cancellationToken);
        var text = Encoding.UTF8.GetString(bytes).Trim();
        try
        {
            using var document = JsonDocument.Parse(text);
            text = ErrorIn(document.RootElement) ?? text;
        }
        catch (JsonException)
        {
            // Not JSON: the text itself is the reason.
        }
        return Shorten(text);
    }

    private static string? ErrorIn(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return ErrorIn(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The text of an <c>error</c> field, in mlx_lm.server's shape (a string) or OpenAI's ({ "message": ... }).</summary>
    private static string? ErrorIn(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error))
            return null;
        return Shorten(error.ValueKind switch
        {
            JsonValueKind.String => error.GetString() ?? "",
            JsonValueKind.Object when error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String => message.GetString() ?? "",
            _ => error.GetRawText(),
        });
    }

    private static string Shorten(string text) => text.Length <= MaxReasonChars ? text : text[..MaxReasonChars] + "…";

    private static async Task<byte[]> ReadUpToAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(limit, 16 * 1024)];
        using var collected = new MemoryStream();
        int read;
        while (collected.Length < limit && (read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            collected.Write(buffer, 0, (int)Math.Min(read, limit - collected.Length));
        return collected.ToArray();
    }
}
