using System.Text.Json;
using MlxSupervisor.Fleet;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Routing;

/// <summary>
/// <c>GET /v1/models</c> for a fleet, answered by the daemon itself, so no server need be running: every model of every
/// server in OpenAI's list shape, <c>owned_by</c> the server's name, with the server's <c>status</c>.
/// </summary>
internal static class ModelsList
{
    public static async Task WriteAsync(HttpResponse response, IReadOnlyList<ServerUnit> units, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            foreach (var unit in units)
            {
                var status = StatusOf(unit.Status.Current);
                foreach (var model in unit.Settings.Models)
                {
                    json.WriteStartObject();
                    json.WriteString("id", model);
                    json.WriteString("object", "model");
                    json.WriteNumber("created", 0);
                    json.WriteString("owned_by", unit.Name);
                    json.WriteString("status", status);
                    json.WriteEndObject();
                }
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>running, starting, stopped or circuit_open.</summary>
    public static string StatusOf(SupervisorSnapshot s) => s.State switch
    {
        SupervisorState.Running or SupervisorState.Unhealthy => "running",
        SupervisorState.Starting or SupervisorState.BackingOff => "starting",
        SupervisorState.CircuitOpen => "circuit_open",
        _ => "stopped",
    };
}
