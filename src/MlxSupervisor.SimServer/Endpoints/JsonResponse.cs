using System.Buffers;
using System.Text.Json;

using MlxSupervisor.SimServer.Generation;

namespace MlxSupervisor.SimServer.Endpoints;

/// <summary>Writes a complete JSON response built with a <see cref="Utf8JsonWriter"/>.</summary>
/// <param name="closeDelimited">
/// <c>--http10</c>: only a non-streamed completion carries a Content-Length, as in server.py, where
/// <c>handle_completion</c> alone sends one; <c>/health</c>, <c>/v1/models</c> and every error end at the
/// close of the connection. Without <c>--http10</c> every reply has its length, as Kestrel would otherwise chunk it.
/// </param>
internal sealed class JsonResponse(bool closeDelimited)
{
    /// <summary>Any reply but a completion: health, models, stats, errors.</summary>
    public Task WriteAsync(HttpResponse response, int statusCode, Action<Utf8JsonWriter> write) =>
        WriteAsync(response, statusCode, write, withLength: !closeDelimited);

    /// <summary>A non-streamed completion: always with its Content-Length.</summary>
    public Task WriteCompletionAsync(HttpResponse response, Action<Utf8JsonWriter> write) =>
        WriteAsync(response, StatusCodes.Status200OK, write, withLength: true);

    private static async Task WriteAsync(HttpResponse response, int statusCode, Action<Utf8JsonWriter> write,
        bool withLength)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, OpenAiJson.WriterOptions))
            write(json);

        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        if (withLength)
            response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, response.HttpContext.RequestAborted);
    }
}
