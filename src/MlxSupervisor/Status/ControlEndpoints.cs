using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Status;

/// <summary>POST /restart, /stop and /start: operator requests, each needing the bearer token.</summary>
internal static partial class ControlEndpoints
{
    public const string RestartReason = "operator restart via the status endpoint";
    public const string StopReason = "operator stop via the status endpoint";

    public static void Map(IEndpointRouteBuilder app, ServerSupervisor supervisor, StatusToken? token, ILogger logger)
    {
        app.MapPost("/restart", (HttpContext context) => Control(context, "restart", token, logger, supervisor,
            () => supervisor.RequestOperatorRestart(RestartReason)));
        app.MapPost("/stop", (HttpContext context) => Control(context, "stop", token, logger, supervisor,
            () => supervisor.RequestStop(StopReason)));
        app.MapPost("/start", (HttpContext context) => Control(context, "start", token, logger, supervisor,
            supervisor.RequestStart));
    }

    private static IResult Control(HttpContext context, string action, StatusToken? token, ILogger logger, ServerSupervisor supervisor, Action request)
    {
        var remote = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var refusal = token is null
            ? "no token is configured: set Status:Token or Status:TokenFile to allow control requests"
            : !token.Accepts(context.Request.Headers.Authorization)
                ? "missing or wrong bearer token"
                : null;
        if (refusal is not null)
        {
            Log.Refused(logger, action, remote, refusal);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Json(new { error = refusal }, StatusJson.Options, statusCode: StatusCodes.Status401Unauthorized);
        }

        Log.Requested(logger, action, remote);
        request();
        return Results.Json(new { accepted = action, state = supervisor.Status.Current.State.ToString() }, StatusJson.Options,
            statusCode: StatusCodes.Status202Accepted);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 501, EventName = "ControlRequested", Level = LogLevel.Information,
            Message = "Operator {Action} requested through the status endpoint from {Remote}")]
        public static partial void Requested(ILogger logger, string action, string remote);

        [LoggerMessage(EventId = 502, EventName = "ControlRefused", Level = LogLevel.Warning,
            Message = "Refused {Action} from {Remote}: {Why}")]
        public static partial void Refused(ILogger logger, string action, string remote, string why);
    }
}
