using System.Buffers;
using System.Text.Json;

using MlxSupervisor.SimServer.Generation;

namespace MlxSupervisor.SimServer.Endpoints;

/// <summary>Writes a complete JSON response built with a <see cref="Utf8JsonWriter"/>.</summary>
internal static class JsonResponse
{
    public static async Task WriteAsync(HttpResponse response, int statusCode, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, OpenAiJson.WriterOptions))
            write(json);

        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, response.HttpContext.RequestAborted);
    }
}
