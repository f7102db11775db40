using System.Buffers;
using System.Text.Json;

namespace MlxSupervisor.Routing;

/// <summary>The <c>model</c> a request's JSON body names, read without taking the body from the forwarder.</summary>
internal static class RequestedModel
{
    /// <summary>The paths whose body names a model (OpenAI's), and so decide the server.</summary>
    public static bool Names(HttpRequest request) => HttpMethods.IsPost(request.Method)
        && request.Path.Value is "/v1/chat/completions" or "/v1/completions" or "/v1/embeddings";

    /// <summary>A body larger than this is not read for its model: it goes to the default server.</summary>
    private const int MaxBody = 8 * 1024 * 1024;

    /// <returns>The model, or null when the body names none (or is not JSON). The body is left at its start.</returns>
    public static async Task<string?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.EnableBuffering();
        var body = request.Body;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxBody)
                        return null;
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                    break;
                length += read;
            }
            return Find(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            body.Position = 0;
        }
    }

    /// <summary>The top-level <c>"model"</c> string of a JSON object.</summary>
    internal static string? Find(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isModel = reader.ValueTextEquals("model"u8);
                if (!reader.Read())
                    return null;
                if (isModel)
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }
}
