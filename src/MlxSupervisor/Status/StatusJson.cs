using System.Text.Json;

namespace MlxSupervisor.Status;

/// <summary>One JSON style for the endpoint and the CLI: camelCase, as web clients expect.</summary>
public static class StatusJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
