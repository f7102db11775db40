using System.Text.Encodings.Web;
using System.Text.Json;

namespace MlxSupervisor.SimServer.Generation;

/// <summary>
/// Writes the OpenAI JSON shapes by hand with <see cref="Utf8JsonWriter"/>: no reflection-based serializer to
/// warm up, which keeps the first response fast. Shapes follow the OpenAI API reference closely enough for
/// the official .NET SDK to read them (<c>CompleteChatStreamingAsync</c> needs id, object, created, model,
/// and choices with index, delta and finish_reason).
/// </summary>
internal static class OpenAiJson
{
    private const string Fingerprint = "sim";

    /// <summary>
    /// The default encoder escapes quotes and angle brackets as <c>\u0027</c> and the like, which is valid but
    /// hard to read in test output; nothing here is ever embedded in HTML.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteCompletion(Utf8JsonWriter json, CompletionIdentity identity, string text, int promptTokens,
        int completionTokens, string finishReason)
    {
        json.WriteStartObject();
        WriteIdentity(json, identity, identity.Kind == CompletionKind.Chat ? "chat.completion" : "text_completion");
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        if (identity.Kind == CompletionKind.Chat)
        {
            json.WriteStartObject("message");
            json.WriteString("role", "assistant");
            json.WriteString("content", text);
            json.WriteEndObject();
        }
        else
        {
            json.WriteString("text", text);
        }

        json.WriteNull("logprobs");
        json.WriteString("finish_reason", finishReason);
        json.WriteEndObject();
        json.WriteEndArray();
        WriteUsage(json, promptTokens, completionTokens);
        json.WriteEndObject();
    }

    /// <summary>One streamed chunk: a token (<paramref name="finishReason"/> null) or the final, empty one.</summary>
    /// <param name="first">The first chat chunk also carries the role, as OpenAI's does.</param>
    /// <param name="writtenAt">With <c>--stamp-chunks</c>, the clock's timestamp as the chunk is written; null leaves it out.</param>
    public static void WriteChunk(Utf8JsonWriter json, CompletionIdentity identity, string? token, bool first,
        string? finishReason, long? writtenAt = null)
    {
        json.WriteStartObject();
        WriteIdentity(json, identity, identity.Kind == CompletionKind.Chat ? "chat.completion.chunk" : "text_completion");
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        if (identity.Kind == CompletionKind.Chat)
        {
            json.WriteStartObject("delta");
            if (first)
                json.WriteString("role", "assistant");
            if (token is not null)
                json.WriteString("content", token);
            json.WriteEndObject();
        }
        else
        {
            json.WriteString("text", token ?? "");
        }

        json.WriteNull("logprobs");
        if (finishReason is null)
            json.WriteNull("finish_reason");
        else
            json.WriteString("finish_reason", finishReason);
        json.WriteEndObject();
        json.WriteEndArray();
        if (writtenAt is { } stamp)
            json.WriteNumber("sim_written_at", stamp);
        json.WriteEndObject();
    }

    /// <summary>The extra last chunk asked for by <c>stream_options.include_usage</c>: no choices, only usage.</summary>
    public static void WriteUsageChunk(Utf8JsonWriter json, CompletionIdentity identity, int promptTokens,
        int completionTokens)
    {
        json.WriteStartObject();
        WriteIdentity(json, identity, identity.Kind == CompletionKind.Chat ? "chat.completion.chunk" : "text_completion");
        json.WriteStartArray("choices");
        json.WriteEndArray();
        WriteUsage(json, promptTokens, completionTokens);
        json.WriteEndObject();
    }

    public static void WriteModels(Utf8JsonWriter json, string model)
    {
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        json.WriteStartObject();
        json.WriteString("id", model);
        json.WriteString("object", "model");
        json.WriteNumber("created", 0);
        json.WriteString("owned_by", "sim");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteError(Utf8JsonWriter json, string message)
    {
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("message", message);
        json.WriteString("type", "invalid_request_error");
        json.WriteNull("param");
        json.WriteNull("code");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>
    /// mlx_lm.server's own error shape, <c>{"error": "reason"}</c>, not OpenAI's: what a failed model load
    /// is answered with (server.py, <c>handle_completion</c>).
    /// </summary>
    public static void WriteMlxError(Utf8JsonWriter json, string reason)
    {
        json.WriteStartObject();
        json.WriteString("error", reason);
        json.WriteEndObject();
    }

    private static void WriteIdentity(Utf8JsonWriter json, CompletionIdentity identity, string objectType)
    {
        json.WriteString("id", identity.Id);
        json.WriteString("object", objectType);
        json.WriteNumber("created", identity.Created);
        json.WriteString("model", identity.Model);
        json.WriteString("system_fingerprint", Fingerprint);
    }

    private static void WriteUsage(Utf8JsonWriter json, int promptTokens, int completionTokens)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", promptTokens);
        json.WriteNumber("completion_tokens", completionTokens);
        json.WriteNumber("total_tokens", promptTokens + completionTokens);
        json.WriteEndObject();
    }
}
