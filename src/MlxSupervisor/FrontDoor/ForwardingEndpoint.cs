using Microsoft.AspNetCore.Http.Features;
using MlxSupervisor.Supervision;
using Yarp.ReverseProxy.Forwarder;

namespace MlxSupervisor.FrontDoor;

/// <summary>
/// The end of the front door's pipeline: forwards an admitted request to the server with YARP, and sends it again if
/// the server refused or reset it before any byte reached the client, once the server is back. A client that already
/// has bytes is never replayed to: YARP cuts its connection, so it sees an error rather than a truncated success.
/// </summary>
internal sealed partial class ForwardingEndpoint
{
    /// <summary>Sends of one request at most; a server that fails it this often is not going to answer it.</summary>
    internal const int MaxAttempts = 3;

    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _upstream;
    private readonly string _upstreamPrefix;
    private readonly ForwarderRequestConfig _config;
    private readonly HttpTransformer _transformer;
    private readonly SupervisorStatus _status;
    private readonly FrontDoorStatistics _stats;
    private readonly TimeProvider _time;
    private readonly TimeSpan _retryWait;
    private readonly CancellationToken _shutdown;
    private readonly ILogger _logger;

    /// <param name="retryWait">How long a request the server failed may wait for it to come back.</param>
    public ForwardingEndpoint(IHttpForwarder forwarder, HttpMessageInvoker upstream, string upstreamPrefix, ForwarderRequestConfig config,
        SupervisorStatus status, FrontDoorStatistics stats, TimeProvider time, TimeSpan retryWait, CancellationToken shutdown, ILogger logger)
    {
        _forwarder = forwarder;
        _upstream = upstream;
        _upstreamPrefix = upstreamPrefix;
        _config = config;
        _transformer = new ActivityTransformer(stats);
        _status = status;
        _stats = stats;
        _time = time;
        _retryWait = retryWait;
        _shutdown = shutdown;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        // Kept so it can be sent again. OpenAI requests are JSON bodies: in memory up to 30 KB, in a temp file beyond.
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
            context.Request.EnableBuffering();

        for (var attempt = 1; ; attempt++)
        {
            var life = _status.Current;
            var error = await ForwardOnceAsync(context);
            if (error == ForwarderError.None || IsTheClientsDoing(error))
                return;

            // YARP aborts the client's connection when the server fails mid-response, so RequestAborted alone
            // does not tell a client that left from one that was cut off.
            var failure = context.Features.Get<IForwarderErrorFeature>()?.Exception;
            if (attempt == MaxAttempts || !CanSendAgain(context, error))
            {
                await FailAsync(context, error, failure);
                return;
            }

            Log.SendingAgain(_logger, context.Request.Method, context.Request.Path, error, failure?.Message);
            var failedAt = _time.GetUtcNow();
            context.Response.Clear();
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Request.Body.Position = 0;

            var (back, refusal) = await WaitForServerAsync(life.Pid, failedAt, context.RequestAborted);
            if (!back)
            {
                if (refusal is not null)
                    await RejectionResponse.WriteAsync(context, refusal, _stats);
                return;
            }
            _stats.Retried();
        }
    }

    private async ValueTask<ForwarderError> ForwardOnceAsync(HttpContext context)
    {
        var clientBody = context.Response.Body;
        context.Response.Body = new ObservedResponseBody(clientBody, _stats);
        _stats.ForwardStarted();
        try
        {
            return await _forwarder.SendAsync(context, _upstreamPrefix, _upstream, _config, _transformer);
        }
        finally
        {
            _stats.ForwardEnded();
            context.Response.Body = clientBody;
        }
    }

    /// <summary>The client went away, or failed to send its request: nothing the server did.</summary>
    private static bool IsTheClientsDoing(ForwarderError error) => error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled
        or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient;

    /// <summary>The server refused or dropped the connection, nothing of the response reached the client, and it is still there.</summary>
    private static bool CanSendAgain(HttpContext context, ForwarderError error) =>
        !context.Response.HasStarted
        && !context.RequestAborted.IsCancellationRequested
        && error is ForwarderError.Request or ForwarderError.RequestBodyDestination or ForwarderError.ResponseBodyDestination
        && context.Request.Body.CanSeek;

    /// <summary>Waits for a new life of the server, or for a probe that proves the same one is still alive.</summary>
    /// <returns>Back: send again. Otherwise why the request is answered without the server, or null if the client left.</returns>
    private async Task<(bool Back, RejectedLease? Refusal)> WaitForServerAsync(int? failedPid, DateTimeOffset failedAt, CancellationToken aborted)
    {
        using var deadline = new CancellationTokenSource(_retryWait, _time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted, deadline.Token, _shutdown);
        try
        {
            var back = await _status.WaitForAsync(
                s => s.State == SupervisorState.CircuitOpen || (s.IsServing && (s.Pid != failedPid || s.Health.LastOkAt > failedAt)), wait.Token);
            return back.IsServing ? (true, null) : (false, Refusals.CircuitOpen(back, _time.GetUtcNow()));
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return (false, null);
        }
        catch (OperationCanceledException)
        {
            return (false, _shutdown.IsCancellationRequested ? Refusals.ShuttingDown() : Refusals.ServerGone(_retryWait));
        }
    }

    private async Task FailAsync(HttpContext context, ForwarderError error, Exception? failure)
    {
        _stats.Failed();
        Log.ForwardFailed(_logger, context.Request.Method, context.Request.Path, error, failure?.Message, context.Response.HasStarted);
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
            return; // YARP has cut the client's connection, or the client is gone.

        context.Response.Clear();
        var timedOut = error == ForwarderError.RequestTimedOut;
        await OpenAiError.WriteAsync(context.Response,
            timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
            timedOut ? "The server sent nothing for too long." : $"The server failed before answering ({error}).",
            OpenAiError.ServerType, timedOut ? "upstream_timeout" : "upstream_error", retryAfter: null, context.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 30, EventName = "SendingAgain", Level = LogLevel.Debug,
            Message = "{Method} {Path}: the server failed before answering ({Error}: {Failure}); sending it again once the server is back")]
        public static partial void SendingAgain(ILogger logger, string method, PathString path, ForwarderError error, string? failure);

        [LoggerMessage(EventId = 31, EventName = "ForwardFailed", Level = LogLevel.Warning,
            Message = "{Method} {Path} failed: {Error} ({Failure}); the client had bytes already: {ResponseStarted}")]
        public static partial void ForwardFailed(ILogger logger, string method, PathString path, ForwarderError error, string? failure, bool responseStarted);
    }
}
