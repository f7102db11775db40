using MlxSupervisor.SimServer.Generation;

namespace MlxSupervisor.SimServer.Endpoints;

/// <summary>
/// <c>GET /sim/stats</c>: what reached the server. Not part of the OpenAI surface; tests use it to prove that a
/// request was (or was never) forwarded.
/// </summary>
internal sealed class StatsEndpoint(InFlightTracker tracker, JsonResponse replies)
{
    public Task HandleAsync(HttpContext context)
    {
        var stats = tracker.Snapshot();
        return replies.WriteAsync(context.Response, StatusCodes.Status200OK, json =>
        {
            json.WriteStartObject();
            json.WriteNumber("inFlight", stats.InFlight);
            json.WriteNumber("totalRequests", stats.TotalRequests);
            json.WriteNumber("maxInFlight", stats.MaxInFlight);
            json.WriteNumber("pid", Environment.ProcessId);
            json.WriteEndObject();
        });
    }
}
