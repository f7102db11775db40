using System.Globalization;
using System.Text.Json;

namespace MlxSupervisor.FrontDoor;

/// <summary>
/// Answers in OpenAI's error shape, <c>{"error":{"message","type","param","code"}}</c>, which the OpenAI SDKs parse
/// and surface, and whose 429/503 with Retry-After they retry on their own.
/// </summary>
internal static class OpenAiError
{
    public const string BusyType = "requests";
    public const string ServerType = "server_error";

    public static async Task WriteAsync(HttpResponse response, int status, string message, string type, string code, TimeSpan? retryAfter,
        CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (retryAfter is { } after)
            response.Headers.RetryAfter = Seconds(after).ToString(CultureInfo.InvariantCulture);

        using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", type);
            json.WriteNull("param");
            json.WriteString("code", code);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>Whole seconds, rounded up, and at least one: Retry-After has no fractions, and 0 invites a busy loop.</summary>
    public static long Seconds(TimeSpan after) => Math.Max(1, (long)Math.Ceiling(after.TotalSeconds));
}
