using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlxSupervisor.Configuration;

/// <summary>
/// The effective settings as one line of JSON for the log, with secrets replaced: the value of every key whose
/// name holds TOKEN, KEY, SECRET or PASSWORD, wherever it sits (a <c>Server:Environment</c> variable such as HF_TOKEN
/// or OPENAI_API_KEY, <c>Status:Token</c>), and in every argument list the value after a flag whose name does
/// (<c>--api-key X</c>, <c>--hf-token=X</c>).
/// </summary>
public static class RedactedSettings
{
    public const string Mask = "***";

    private static readonly string[] SecretWords = ["TOKEN", "KEY", "SECRET", "PASSWORD"];

    public static bool IsSecretName(string name) => SecretWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));

    public static string Describe(SupervisorOptions options)
    {
        var json = JsonSerializer.SerializeToNode(options)!;
        if (options.IsFleet)
        {
            // Each server as it runs: its own keys and its sections with the top-level defaults laid under them.
            var servers = new JsonObject();
            foreach (var server in options.Servers)
            {
                servers[server.Name] = new JsonObject
                {
                    ["Models"] = JsonSerializer.SerializeToNode(server.Models),
                    ["Start"] = server.Start.ToString(),
                    ["IdleTimeout"] = server.IdleTimeout?.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
                    ["MemoryEstimate"] = server.MemoryEstimateBytes is { } bytes ? ByteSize.Format(bytes) : null,
                    ["MaxConcurrentRequests"] = server.MaxConcurrentRequests,
                    ["Server"] = JsonSerializer.SerializeToNode(server.Options.Server),
                    ["Health"] = JsonSerializer.SerializeToNode(server.Options.Health),
                    ["Restart"] = JsonSerializer.SerializeToNode(server.Options.Restart),
                };
            }
            json["Servers"] = servers;
            // The top-level Server is not run by anyone in a fleet: it is only the shipped default.
            json.AsObject().Remove("Server");
        }
        Redact(json);
        return json.ToJsonString();
    }

    private static void Redact(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (value is JsonValue { } scalar && scalar.GetValueKind() is JsonValueKind.String or JsonValueKind.Number && IsSecretName(name))
                        obj[name] = Mask;
                    else if (value is JsonArray list && name == "Arguments")
                        obj[name] = new JsonArray([.. RedactArguments(list.Select(a => a?.ToString() ?? "")).Select(a => (JsonNode?)JsonValue.Create(a))]);
                    else
                        Redact(value);
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                    Redact(item);
                break;
        }
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
