using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Fleet;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Status;

/// <summary>
/// POST /restart, /stop and /start: operator requests, each needing the bearer token. They act on the default server
/// (<c>Fleet:DefaultServer</c>, or the only one), or on the one named by <c>?server=NAME</c>.
/// </summary>
internal static partial class ControlEndpoints
{
    public const string RestartReason = "operator restart via the status endpoint";
    public const string StopReason = "operator stop via the status endpoint";

    /// <summary>The query parameter that names the server a request is for.</summary>
    public const string ServerParameter = "server";

    public static void Map(IEndpointRouteBuilder app, ServerFleet fleet, StatusToken? token, ILogger logger)
    {
        app.MapPost("/restart", (HttpContext context) => Control(context, "restart", token, logger, fleet,
            supervisor => supervisor.RequestOperatorRestart(RestartReason)));
        app.MapPost("/stop", (HttpContext context) => Control(context, "stop", token, logger, fleet,
            supervisor => supervisor.RequestStop(StopReason)));
        app.MapPost("/start", (HttpContext context) => Control(context, "start", token, logger, fleet,
            supervisor => supervisor.RequestStart()));
    }

    private static IResult Control(HttpContext context, string action, StatusToken? token, ILogger logger, ServerFleet fleet, Action<ServerSupervisor> request)
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

        // Present but empty is a name too: a script's "?server=$NAME" with NAME unset must not restart the default server.
        var named = context.Request.Query.TryGetValue(ServerParameter, out var values) ? values.ToString() : null;
        var unit = named is null ? fleet.Default : fleet.Unit(named);
        if (unit is null)
        {
            var problem = $"no server named '{named}': the servers are {string.Join(", ", fleet.Units.Select(u => u.Name))}";
            Log.Refused(logger, action, remote, problem);
            return Results.Json(new { error = problem }, StatusJson.Options, statusCode: StatusCodes.Status404NotFound);
        }

        Log.Requested(logger, action, unit.Name, remote);
        request(unit.Supervisor);
        return Results.Json(new { accepted = action, server = unit.Name, state = unit.Status.Current.State.ToString() }, StatusJson.Options,
            statusCode: StatusCodes.Status202Accepted);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 501, EventName = "ControlRequested", Level = LogLevel.Information,
            Message = "Operator {Action} of server {Server} requested through the status endpoint from {Remote}")]
        public static partial void Requested(ILogger logger, string action, string server, string remote);

        [LoggerMessage(EventId = 502, EventName = "ControlRefused", Level = LogLevel.Warning,
            Message = "Refused {Action} from {Remote}: {Why}")]
        public static partial void Refused(ILogger logger, string action, string remote, string why);
    }
}
