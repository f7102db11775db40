using System.Text.Encodings.Web;
using System.Text.Json;

namespace MlxSupervisor.Status;

/// <summary>
/// One JSON style for the endpoint, the CLI and the hooks: camelCase, as web clients expect, and text as written
/// ("no server named 'x'", "0.1.0+abc"), not the HTML-safe escapes (\u0027, \u002B) of the default encoder: the
/// answers are application/json, read by curl and jq, and never embedded in a page.
/// </summary>
public static class StatusJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonSerializerOptions Indented = new(Options) { WriteIndented = true };
}
