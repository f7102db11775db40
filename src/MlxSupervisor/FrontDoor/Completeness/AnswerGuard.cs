using System.Text.Json;

namespace MlxSupervisor.FrontDoor.Completeness;

/// <summary>
/// Follows one response from the server to its end and says whether the client got the whole answer. mlx_lm.server
/// speaks HTTP/1.0: a stream ends when the connection closes, so a server that dies mid-answer looks, to HTTP, exactly
/// like one that finished; and the OpenAI SDKs do not complain when <c>data: [DONE]</c> is missing. A truncated answer
/// passed on as complete is the incident this daemon exists for, in another form.
/// </summary>
/// <remarks>
/// Where the framing proves the end (a Content-Length met, a chunked body's last chunk), the transport is believed:
/// SocketsHttpHandler reports a body cut short as an IOException. Where only the closing connection ends the body,
/// the content must: a stream must reach an OpenAI stream's end (a finish_reason, or [DONE]), and a JSON body must
/// parse whole. JSON bodies are held until they end (up to <see cref="JsonHoldLimit"/>), so one cut short can be sent
/// again without the client ever seeing it.
/// </remarks>
internal sealed class AnswerGuard : IDisposable
{
    /// <summary>A completion or an embedding is held whole up to this size; a larger body flows, and a cut one is aborted.</summary>
    public const int JsonHoldLimit = 1024 * 1024;

    private AnswerGuard(AnswerKind kind, Framing framing)
    {
        Kind = kind;
        Framing = framing;
        if (kind == AnswerKind.EventStream)
            Events = new EventStreamProgress();
    }

    public AnswerKind Kind { get; }

    public Framing Framing { get; }

    /// <summary>For an event stream: what it has carried.</summary>
    public EventStreamProgress? Events { get; }

    /// <summary>Reading from the server failed: the connection broke, or a framed body was cut short.</summary>
    public bool ConnectionBroke { get; internal set; }

    /// <summary>The server's body came to an end (a clean end of stream, whatever the content said).</summary>
    public bool Ended { get; internal set; }

    /// <summary>A held JSON body ended before its JSON did.</summary>
    public bool JsonCutShort { get; internal set; }

    /// <summary>A JSON body passed <see cref="JsonHoldLimit"/> and flows to the client as it comes.</summary>
    public bool JsonFlowing { get; internal set; }

    /// <summary>Content reached the client: a data line of a stream, or a byte of a flowing body.</summary>
    public bool ContentSent => Kind switch
    {
        AnswerKind.EventStream => Events!.DataLines > 0,
        AnswerKind.Json => JsonFlowing,
        _ => true,
    };

    public bool IsWhole => !ConnectionBroke && Kind switch
    {
        AnswerKind.EventStream => Framing != Framing.ConnectionClose || Events!.ReachedEnd,
        AnswerKind.Json => !JsonCutShort,
        _ => true,
    };

    /// <summary>What was wrong with an answer that is not whole, for the log and the client.</summary>
    public string Shortfall => ConnectionBroke
        ? "the connection to the server broke before the answer was complete"
        : Kind == AnswerKind.EventStream
            ? "the server closed the stream before its end (no finish_reason and no data: [DONE])"
            : "the server closed the connection before its JSON answer was complete";

    /// <param name="method">The request's method: the answer to a HEAD has no body to judge.</param>
    public static AnswerGuard For(HttpResponseMessage response, string method = "GET")
    {
        var type = response.Content.Headers.ContentType?.MediaType;
        // No body belongs to these, whatever their headers say (mlx_lm.server answers OPTIONS with a JSON-typed 204).
        var bodyless = HttpMethods.IsHead(method) || response.StatusCode is System.Net.HttpStatusCode.NoContent or System.Net.HttpStatusCode.NotModified
            || (int)response.StatusCode < 200;
        var kind = bodyless ? AnswerKind.Other : type switch
        {
            "text/event-stream" => AnswerKind.EventStream,
            "application/json" => AnswerKind.Json,
            _ when type?.EndsWith("+json", StringComparison.OrdinalIgnoreCase) == true => AnswerKind.Json,
            _ => AnswerKind.Other,
        };
        var framing = response.Content.Headers.ContentLength is not null
            ? Framing.ContentLength
            : response.Headers.TransferEncodingChunked == true ? Framing.Chunked : Framing.ConnectionClose;
        return new AnswerGuard(kind, framing);
    }

    /// <summary>Whether a held body is one whole JSON value, as a body that ended only when the connection closed must be.</summary>
    internal static bool IsWholeJson(ReadOnlySpan<byte> body)
    {
        if (body.Trim(" \t\r\n"u8).IsEmpty)
            return false;
        var reader = new Utf8JsonReader(body, isFinalBlock: true, state: default);
        try
        {
            if (!reader.Read())
                return false;
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public void Dispose() => Events?.Dispose();
}

/// <summary>What a response carries, as far as knowing its end goes.</summary>
internal enum AnswerKind
{
    /// <summary>text/event-stream: a streamed completion.</summary>
    EventStream,

    /// <summary>application/json: a completion, an embedding, an error.</summary>
    Json,

    /// <summary>Anything else: believed as the transport ends it.</summary>
    Other,
}

/// <summary>How the end of the server's body is known.</summary>
internal enum Framing
{
    ContentLength,
    Chunked,

    /// <summary>By the server closing the connection: HTTP/1.0, as mlx_lm.server speaks it.</summary>
    ConnectionClose,
}
