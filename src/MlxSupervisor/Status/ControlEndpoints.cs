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

    /// <summary>How long an operator's start of a held server may wait for room in the memory budget before it is refused.</summary>
    internal static readonly TimeSpan StartWaitsForRoom = TimeSpan.FromSeconds(60);

    public static void Map(IEndpointRouteBuilder app, ServerFleet fleet, OnDemandStarts? starts, StatusToken? token, ILogger logger)
    {
        Func<ServerUnit, CancellationToken, Task<string?>> restart = (unit, _) => Accepted(() => unit.Supervisor.RequestOperatorRestart(RestartReason));
        Func<ServerUnit, CancellationToken, Task<string?>> stop = (unit, _) => Accepted(() => unit.Supervisor.RequestStop(StopReason));
        Func<ServerUnit, CancellationToken, Task<string?>> start = (unit, cancellationToken) => StartAsync(unit, starts, cancellationToken);
        app.MapPost("/restart", new RequestDelegate(context => RespondAsync(context, Control(context, "restart", token, logger, fleet, restart))));
        app.MapPost("/stop", new RequestDelegate(context => RespondAsync(context, Control(context, "stop", token, logger, fleet, stop))));
        app.MapPost("/start", new RequestDelegate(context => RespondAsync(context, Control(context, "start", token, logger, fleet, start))));
    }

    private static async Task RespondAsync(HttpContext context, Task<IResult> result) => await (await result).ExecuteAsync(context);

    private static Task<string?> Accepted(Action request)
    {
        request();
        return Task.FromResult<string?>(null);
    }

    /// <summary>
    /// A held server starts through the memory ledger, as a request's does: idle servers may be stopped for it, and
    /// with no room it is refused with the figures rather than started over the budget.
    /// </summary>
    /// <returns>Null once started; otherwise why not.</returns>
    private static async Task<string?> StartAsync(ServerUnit unit, OnDemandStarts? starts, CancellationToken cancellationToken)
    {
        if (starts is null || unit.Supervisor.HeldFor is null)
        {
            unit.Supervisor.RequestStart();
            return null;
        }
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(StartWaitsForRoom);
        try
        {
            return await starts.EnsureStartedAsync(unit, bound.Token, byOperator: true) is { } noRoom ? $"not enough memory: {noRoom}" : null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no room in the memory budget within {StartWaitsForRoom.TotalSeconds:0} s; busy servers are not stopped for room";
        }
    }

    private static async Task<IResult> Control(HttpContext context, string action, StatusToken? token, ILogger logger, ServerFleet fleet,
        Func<ServerUnit, CancellationToken, Task<string?>> request)
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
        if (await request(unit, context.RequestAborted) is { } notDone)
        {
            Log.Refused(logger, action, remote, notDone);
            return Results.Json(new { error = notDone, server = unit.Name }, StatusJson.Options, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
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
