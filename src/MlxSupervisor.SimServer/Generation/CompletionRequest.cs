using System.Text.Json;

namespace MlxSupervisor.SimServer.Generation;

/// <summary>The few fields of an OpenAI request body that the simulation looks at.</summary>
/// <param name="Model">The requested model, echoed back like <c>mlx_lm.server</c> does.</param>
/// <param name="MaxTokens"><c>max_tokens</c> or <c>max_completion_tokens</c>, if given.</param>
/// <param name="IncludeUsage"><c>stream_options.include_usage</c>: end the stream with a usage chunk.</param>
/// <param name="PromptTokens">A word count of the prompt, standing in for a tokenizer.</param>
internal sealed record CompletionRequest(string Model, bool Stream, int? MaxTokens, bool IncludeUsage, int PromptTokens)
{
    /// <returns>The request, or an error message for a 400 answer.</returns>
    public static async Task<(CompletionRequest? Request, string? Error)> ReadAsync(
        Stream body, string defaultModel, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(body, default, cancellationToken);
        }
        catch (JsonException e)
        {
            return (null, $"request body is not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return (null, "request body must be a JSON object");

            var model = String(root, "model") is { Length: > 0 } requested ? requested : defaultModel;
            var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            var maxTokens = Int(root, "max_tokens") ?? Int(root, "max_completion_tokens");
            var includeUsage = root.TryGetProperty("stream_options", out var so)
                && so.ValueKind == JsonValueKind.Object
                && so.TryGetProperty("include_usage", out var iu)
                && iu.ValueKind == JsonValueKind.True;
            return (new CompletionRequest(model, stream, maxTokens, includeUsage, CountPromptWords(root)), null);
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt32(out var number) && number >= 0
            ? number
            : null;

    // Chat sends messages[].content (a string or a list of parts); text completion sends prompt.
    private static int CountPromptWords(JsonElement root)
    {
        var words = 0;
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content))
                    words += CountWords(content);
            }
        }

        if (root.TryGetProperty("prompt", out var prompt))
            words += CountWords(prompt);
        return Math.Max(words, 1);
    }

    private static int CountWords(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length,
        JsonValueKind.Array => element.EnumerateArray().Sum(CountWords),
        JsonValueKind.Object when element.TryGetProperty("text", out var text) => CountWords(text),
        _ => 0,
    };
}
