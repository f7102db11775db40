using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlxSupervisor.Configuration;

/// <summary>
/// The effective settings as one line of JSON for the log, with secrets replaced: the value of every
/// <c>Server:Environment</c> variable whose name holds TOKEN, KEY, SECRET or PASSWORD (HF_TOKEN, OPENAI_API_KEY...),
/// and the value after a server argument whose flag does (<c>--api-key X</c>, <c>--hf-token=X</c>).
/// </summary>
public static class RedactedSettings
{
    public const string Mask = "***";

    private static readonly string[] SecretWords = ["TOKEN", "KEY", "SECRET", "PASSWORD"];

    public static bool IsSecretName(string name) => SecretWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));

    public static string Describe(SupervisorOptions options)
    {
        var json = JsonSerializer.SerializeToNode(options)!.AsObject();
        if (json["Server"] is JsonObject server)
        {
            if (server["Environment"] is JsonObject environment)
            {
                foreach (var name in environment.Select(p => p.Key).Where(IsSecretName).ToList())
                    environment[name] = Mask;
            }
            server["Arguments"] = new JsonArray([.. RedactArguments(options.Server.Arguments).Select(a => (JsonNode?)JsonValue.Create(a))]);
        }
        return json.ToJsonString();
    }

    public static IReadOnlyList<string> RedactArguments(IEnumerable<string> arguments)
    {
        var result = new List<string>();
        var hideNext = false;
        foreach (var argument in arguments)
        {
            if (hideNext)
            {
                result.Add(Mask);
                hideNext = false;
                continue;
            }
            if (argument.StartsWith('-') && argument.IndexOf('=') is var eq and > 0 && IsSecretName(argument[..eq]))
            {
                result.Add(argument[..(eq + 1)] + Mask);
                continue;
            }
            hideNext = argument.StartsWith('-') && !argument.Contains('=') && IsSecretName(argument);
            result.Add(argument);
        }
        return result;
    }
}
