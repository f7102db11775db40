using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

using MlxSupervisor.SimServer.Generation;

namespace MlxSupervisor.SimServer.Endpoints;

/// <summary>
/// Writes <c>data: {json}\n\n</c> events and flushes each one at once, so a client (or a proxy in between)
/// sees every token the moment it is "generated", as it would from mlx_lm.server.
/// </summary>
internal sealed class ServerSentEvents
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();
    private static readonly byte[] CommentPrefix = ": "u8.ToArray();

    private readonly HttpResponse _response;
    private readonly CancellationToken _aborted;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    private ServerSentEvents(HttpResponse response, CancellationToken aborted)
    {
        _response = response;
        _aborted = aborted;
    }

    /// <summary>Sends the headers right away, so the client learns of the 200 before the first token.</summary>
    public static async Task<ServerSentEvents> StartAsync(HttpResponse response, CancellationToken aborted)
    {
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(aborted);
        await response.Body.FlushAsync(aborted);
        return new ServerSentEvents(response, aborted);
    }

    public async Task WriteAsync(Action<Utf8JsonWriter> write)
    {
        _buffer.ResetWrittenCount();
        _buffer.Write(DataPrefix);
        using (var json = new Utf8JsonWriter(_buffer, OpenAiJson.WriterOptions))
            write(json);
        _buffer.Write(EventEnd);
        await SendBufferAsync();
    }

    /// <summary>An SSE comment, <c>: text\n\n</c>: no event to a client, but bytes on the wire.</summary>
    public async Task WriteCommentAsync(string text)
    {
        _buffer.ResetWrittenCount();
        _buffer.Write(CommentPrefix);
        _buffer.Write(System.Text.Encoding.UTF8.GetBytes(text));
        _buffer.Write(EventEnd);
        await SendBufferAsync();
    }

    public async Task WriteDoneAsync()
    {
        await _response.Body.WriteAsync(Done, _aborted);
        await _response.Body.FlushAsync(_aborted);
    }

    // Every event is flushed on its own: a token must reach the client the moment it is "generated".
    private async Task SendBufferAsync()
    {
        await _response.Body.WriteAsync(_buffer.WrittenMemory, _aborted);
        await _response.Body.FlushAsync(_aborted);
    }
}
