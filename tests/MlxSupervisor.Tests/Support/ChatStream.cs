using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace MlxSupervisor.Tests.Support;

/// <summary>One streaming chat completion, read as server-sent events with the time each one arrived.</summary>
public sealed class ChatStream
{
    private readonly TaskCompletionSource _firstEvent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChatStream(HttpClient client, int? maxTokens, CancellationToken cancellationToken) =>
        Outcome = RunAsync(client, maxTokens, cancellationToken);

    /// <summary>Starts the request; <see cref="Outcome"/> completes when the stream ends, however it ends.</summary>
    public static ChatStream Start(HttpClient client, int? maxTokens = null, CancellationToken cancellationToken = default) =>
        new(client, maxTokens, cancellationToken);

    /// <summary>Completes when the first event arrived (and faults if the stream failed before one did).</summary>
    public Task FirstEvent => _firstEvent.Task;

    public Task<StreamOutcome> Outcome { get; }

    public static HttpRequestMessage Request(bool stream, int? maxTokens = null)
    {
        var max = maxTokens is { } m ? $",\"max_tokens\":{m}" : "";
        return new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($"{{\"model\":\"sim-model\",\"messages\":[{{\"role\":\"user\",\"content\":\"hello\"}}],\"stream\":{(stream ? "true" : "false")}{max}}}",
                Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
    }

    private async Task<StreamOutcome> RunAsync(HttpClient client, int? maxTokens, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var clock = Stopwatch.StartNew();
        var events = new List<SseEvent>();
        try
        {
            using var request = Request(stream: true, maxTokens);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                throw new HttpRequestException($"{(int)response.StatusCode}: {body}", null, response.StatusCode);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                    continue;
                events.Add(new SseEvent(line["data: ".Length..], clock.Elapsed));
                _firstEvent.TrySetResult();
                if (line == "data: [DONE]")
                    return new StreamOutcome(events, Done: true, Error: null);
            }
            throw new EndOfStreamException("The stream ended without [DONE].");
        }
        catch (Exception e)
        {
            _firstEvent.TrySetException(e);
            return new StreamOutcome(events, Done: false, e);
        }
    }
}

/// <param name="At">Since the request was started.</param>
public sealed record SseEvent(string Data, TimeSpan At);

/// <param name="Done">The stream ended with <c>data: [DONE]</c>.</param>
/// <param name="Error">Why it ended otherwise.</param>
public sealed record StreamOutcome(IReadOnlyList<SseEvent> Events, bool Done, Exception? Error)
{
    /// <summary>The token events: every event but the closing chunk (finish_reason) and [DONE].</summary>
    public IReadOnlyList<SseEvent> Tokens => Events.Where(e => e.Data.Contains("\"content\"", StringComparison.Ordinal)).ToList();

    public override string ToString() => $"{Events.Count} events, done={Done}, error={Error?.GetType().Name}: {Error?.Message}";
}
