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
/// <param name="dieMidAnswer"><c>--die-mid-answer</c>: a completion's body is cut in half by the process's death, as the
/// system's out-of-memory killer would cut it.</param>
internal sealed class JsonResponse(bool closeDelimited, bool dieMidAnswer = false)
{
    private const int KilledBySigkill = 137;

    /// <summary>Any reply but a completion: health, models, stats, errors.</summary>
    public Task WriteAsync(HttpResponse response, int statusCode, Action<Utf8JsonWriter> write) =>
        WriteAsync(response, statusCode, write, withLength: !closeDelimited);

    /// <summary>A non-streamed completion: always with its Content-Length.</summary>
    public Task WriteCompletionAsync(HttpResponse response, Action<Utf8JsonWriter> write) => dieMidAnswer
        ? WriteHalfAndDieAsync(response, write)
        : WriteAsync(response, StatusCodes.Status200OK, write, withLength: true);

    private static async Task WriteHalfAndDieAsync(HttpResponse response, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, OpenAiJson.WriterOptions))
            write(json);

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory[..(buffer.WrittenCount / 2)], response.HttpContext.RequestAborted);
        await response.Body.FlushAsync(response.HttpContext.RequestAborted);
        // The half is on the socket (Kestrel wrote it on the flush); a moment for it to leave before the kernel closes it.
        await Task.Delay(50);
        Faults.SelfTermination.Terminate(KilledBySigkill);
    }

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
