using System.Text.Json.Serialization;

namespace MlxSupervisor.Bench.Clients;

/// <summary>How a streamed answer ended, as its client can tell (issue 12, item 6).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StreamVerdict>))]
internal enum StreamVerdict
{
    /// <summary>2xx, every token in order, a finish_reason, [DONE], a clean end, and no error.</summary>
    Whole,

    /// <summary>The client was told: a non-2xx status, an SSE error event, or a broken connection or body.</summary>
    ErrorSeen,

    /// <summary>
    /// The failure this is about: a 2xx whose body ended cleanly with nothing to say it is wrong, but without [DONE],
    /// without a finish_reason, or with tokens missing. The OpenAI SDK hands that to the agent as a complete answer.
    /// </summary>
    TruncatedClean,

    /// <summary>Neither ended nor broke within the bench's bound.</summary>
    NoEnd,
}

internal static class StreamVerdicts
{
    /// <param name="expectedContent">The whole answer the server generates (the sim's numbered tokens).</param>
    public static StreamVerdict Judge(StreamReading reading, string expectedContent)
    {
        if (reading.NoEnd)
            return StreamVerdict.NoEnd;
        if (!reading.IsSuccessStatus || reading.ErrorEvent is not null || reading.BrokenBody is not null)
            return StreamVerdict.ErrorSeen;
        var whole = reading.Done && reading.FinishReason && reading.Malformed == 0
            && string.Equals(reading.Content, expectedContent, StringComparison.Ordinal);
        return whole ? StreamVerdict.Whole : StreamVerdict.TruncatedClean;
    }

    /// <summary>The sim's answer of <paramref name="tokens"/> tokens: <c>tok1 tok2 … tokN</c> (its TokenText, written out again here).</summary>
    public static string SimAnswer(int tokens) => string.Join(' ', Enumerable.Range(1, tokens).Select(i => $"tok{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
}
