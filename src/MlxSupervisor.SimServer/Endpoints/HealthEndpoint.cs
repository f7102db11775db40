using MlxSupervisor.SimServer.Generation;
using MlxSupervisor.SimServer.Lifecycle;
using MlxSupervisor.SimServer.Options;

namespace MlxSupervisor.SimServer.Endpoints;

/// <summary>
/// <c>GET /health</c>: 200 <c>{"status":"ok"}</c>, unless a fault says to hang, to wait for generation to
/// finish, or to answer with another status code.
/// </summary>
internal sealed class HealthEndpoint(SimOptions options, SimClock clock, InFlightTracker tracker, JsonResponse replies)
{
    public async Task HandleAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        try
        {
            if (clock.HasReached(options.HangHealthAfterMs))
                await Task.Delay(Timeout.InfiniteTimeSpan, clock.Time, aborted);

            // A server whose only request thread is busy generating cannot answer its health check either.
            if (options.HealthBlocksWhileGenerating)
                await tracker.WhenIdleAsync(aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return;
        }

        var status = options.HealthStatus is { } code && clock.HasReached(options.HealthStatusAfterMs)
            ? code
            : StatusCodes.Status200OK;
        await replies.WriteAsync(context.Response, status, json =>
        {
            json.WriteStartObject();
            json.WriteString("status", status == StatusCodes.Status200OK ? "ok" : "error");
            json.WriteEndObject();
        });
    }
}
