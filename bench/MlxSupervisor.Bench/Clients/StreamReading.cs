namespace MlxSupervisor.Bench.Clients;

/// <summary>What one client saw of one streamed chat completion, from its request to the end of the body, however it ended.</summary>
/// <param name="Status">The response's status code; null when no response came (the connection failed before its headers).</param>
/// <param name="FirstDataAt">When the client read the first SSE data event; null if none came.</param>
/// <param name="Content">The <c>delta.content</c> of every data event, joined, as a client would show the answer.</param>
/// <param name="FinishReason">A data event carried a <c>finish_reason</c>.</param>
/// <param name="DoneAt">When the client read <c>data: [DONE]</c>; null if it never came.</param>
/// <param name="ErrorEvent">The message of the first data event holding an <c>error</c> object (OpenAI's error shape), if any.</param>
/// <param name="Malformed">Data events that were neither JSON nor <c>[DONE]</c>.</param>
/// <param name="BrokenBody">The exception that ended the request or its body (type: message), or null for a clean end.</param>
/// <param name="NoEnd">The bench gave up waiting: the stream neither ended nor broke within its bound.</param>
internal sealed record StreamReading(
    DateTimeOffset SentAt,
    DateTimeOffset EndedAt,
    int? Status,
    DateTimeOffset? FirstDataAt,
    string Content,
    bool FinishReason,
    DateTimeOffset? DoneAt,
    string? ErrorEvent,
    int Malformed,
    string? BrokenBody,
    bool NoEnd)
{
    public bool Done => DoneAt is not null;

    public bool IsSuccessStatus => Status is >= 200 and < 300;

    /// <summary>For a log line or an exception: what was seen, in a few words.</summary>
    public override string ToString() =>
        $"status {Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, {Content.Length} chars of content, " +
        $"finish_reason {(FinishReason ? "seen" : "missing")}, [DONE] {(Done ? "seen" : "missing")}" +
        (ErrorEvent is null ? "" : $", error event \"{ErrorEvent}\"") +
        (BrokenBody is null ? ", clean end" : $", broken: {BrokenBody}") + (NoEnd ? ", no end" : "");
}
