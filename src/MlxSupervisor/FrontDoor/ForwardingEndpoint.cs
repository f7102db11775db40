using Microsoft.AspNetCore.Http.Features;
using MlxSupervisor.FrontDoor.Completeness;
using MlxSupervisor.Supervision;
using Yarp.ReverseProxy.Forwarder;

namespace MlxSupervisor.FrontDoor;

/// <summary>
/// The end of the front door's pipeline: forwards an admitted request to the server with YARP, and makes sure the client
/// gets one of two things, the whole answer or an error. A request the server refused, reset or cut short before any
/// content reached the client is sent again once the server is back (a stream whose headers and comments already went
/// out is spliced: <see cref="StreamSplice"/>); an answer cut after content went out ends with an error the client sees
/// (<see cref="CutAnswer"/>), never with a clean end that passes a truncated answer off as whole (<see cref="AnswerGuard"/>).
/// </summary>
internal sealed partial class ForwardingEndpoint
{
    /// <summary>Sends of one request at most; a server that fails it this often is not going to answer it.</summary>
    internal const int MaxAttempts = 3;

    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _upstream;
    private readonly Fleet.ServerUnit _unit;
    private UpstreamAddress? _upstreamAddress;
    private readonly ForwarderRequestConfig _config;
    private readonly HttpTransformer _transformer;
    private readonly StreamSplice _splice;
    private readonly SupervisorStatus _status;
    private readonly FrontDoorStatistics _stats;
    private readonly TimeProvider _time;
    private readonly TimeSpan _retryWait;
    private readonly CancellationToken _shutdown;
    private readonly ILogger _logger;

    /// <param name="retryWait">How long a request the server failed may wait for it to come back.</param>
    public ForwardingEndpoint(IHttpForwarder forwarder, HttpMessageInvoker upstream, Fleet.ServerUnit unit, ForwarderRequestConfig config,
        TimeProvider time, TimeSpan retryWait, CancellationToken shutdown, ILogger logger)
    {
        _forwarder = forwarder;
        _upstream = upstream;
        _unit = unit;
        _config = config;
        _status = unit.Status;
        _stats = unit.Activity;
        _transformer = new ActivityTransformer(_stats);
        _splice = new StreamSplice(upstream, _transformer, _stats);
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
            context.Features.Set<AnswerGuard>(null);
            var error = await ForwardOnceAsync(context);
            var guard = context.Features.Get<AnswerGuard>();
            if (error == ForwarderError.None)
            {
                if (guard is null || guard.IsWhole)
                    return;
                if (context.Response.HasStarted)
                {
                    await CutAfterHeadersAsync(context, guard, life.Pid, attempt);
                    return;
                }
                // Nothing reached the client: a held JSON answer cut short, or a stream that died before its first byte.
                if (attempt == MaxAttempts || !context.Request.Body.CanSeek && context.Request.ContentLength is not (null or 0))
                {
                    await FailAsync(context, guard.Shortfall);
                    return;
                }
                Log.SendingAgain(_logger, context.Request.Method, context.Request.Path, "cut short", guard.Shortfall);
            }
            else
            {
                if (IsTheClientsDoing(error))
                    return;

                // YARP aborts the client's connection when the server fails mid-response, so RequestAborted alone
                // does not tell a client that left from one that was cut off.
                var failure = context.Features.Get<IForwarderErrorFeature>()?.Exception;
                if (attempt == MaxAttempts || !CanSendAgain(context, error))
                {
                    await FailAsync(context, error, failure);
                    return;
                }
                Log.SendingAgain(_logger, context.Request.Method, context.Request.Path, error.ToString(), failure?.Message);
            }

            var failedAt = _time.GetUtcNow();
            context.Response.Clear();
            context.Features.Set<IForwarderErrorFeature>(null);
            if (context.Request.Body.CanSeek)
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

    /// <summary>
    /// The answer is not whole and the client has its headers. Before any content (only a stream's comments went out) it
    /// is spliced from the server's replacement; after content it ends with an error.
    /// </summary>
    private async Task CutAfterHeadersAsync(HttpContext context, AnswerGuard guard, int? pid, int attempt)
    {
        try
        {
            while (guard.Kind == AnswerKind.EventStream && !guard.ContentSent && attempt < MaxAttempts)
            {
                var failedAt = _time.GetUtcNow();
                Log.Splicing(_logger, context.Request.Method, context.Request.Path, guard.Shortfall);
                var (back, refusal) = await WaitForServerAsync(pid, failedAt, context.RequestAborted);
                if (!back)
                {
                    await EndWithErrorAsync(context, guard, refusal?.Message ?? "the client left");
                    return;
                }
                _stats.Retried();
                attempt++;
                pid = _status.Current.Pid;
                var (spliced, refused) = await _splice.SendAgainAsync(context, UpstreamPrefix(), context.RequestAborted);
                if (spliced is null)
                {
                    await EndWithErrorAsync(context, guard, refused!);
                    return;
                }
                if (spliced.IsWhole)
                    return;
                guard = spliced;
            }
            await EndWithErrorAsync(context, guard, await CutAnswer.DescribeAsync(_status, pid, guard.Shortfall, _time));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left while its answer was being mended.
        }
    }

    private Task EndWithErrorAsync(HttpContext context, AnswerGuard guard, string why)
    {
        _stats.Failed();
        Log.AnswerCut(_logger, context.Request.Method, context.Request.Path, why);
        return CutAnswer.EndAsync(context, guard.Kind, why, _time);
    }

    private async ValueTask<ForwarderError> ForwardOnceAsync(HttpContext context)
    {
        _stats.ForwardStarted();
        try
        {
            return await _forwarder.SendAsync(context, UpstreamPrefix(), _upstream, _config, _transformer);
        }
        finally
        {
            _stats.ForwardEnded();
        }
    }

    /// <summary>
    /// Where the server is: the address of the Health:Url its current life was started with (mlx_lm.server serves /health
    /// and the API on one port), which a reload changes only when the server restarts with it.
    /// </summary>
    private string UpstreamPrefix()
    {
        var url = _status.Current.HealthUrl ?? _unit.Settings.Options.Health.Url!;
        if (Volatile.Read(ref _upstreamAddress) is { } cached && ReferenceEquals(cached.Url, url))
            return cached.Prefix;
        var address = new UpstreamAddress(url, new Uri(url).GetLeftPart(UriPartial.Authority));
        Volatile.Write(ref _upstreamAddress, address);
        return address.Prefix;
    }

    /// <summary>A Health:Url and the scheme, host and port the forwarder sends to, computed once per URL.</summary>
    private sealed record UpstreamAddress(string Url, string Prefix);

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

    private async Task FailAsync(HttpContext context, string shortfall)
    {
        _stats.Failed();
        Log.AnswerCut(_logger, context.Request.Method, context.Request.Path, shortfall);
        context.Response.Clear();
        await OpenAiError.WriteAsync(context.Response, StatusCodes.Status502BadGateway, $"{char.ToUpperInvariant(shortfall[0])}{shortfall[1..]}.",
            OpenAiError.ServerType, CutAnswer.Code, retryAfter: null, context.RequestAborted);
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
        public static partial void SendingAgain(ILogger logger, string method, PathString path, string error, string? failure);

        [LoggerMessage(EventId = 32, EventName = "Splicing", Level = LogLevel.Information,
            Message = "{Method} {Path}: {Shortfall} before any content reached the client; its stream goes on with the answer of the server's replacement")]
        public static partial void Splicing(ILogger logger, string method, PathString path, string shortfall);

        [LoggerMessage(EventId = 33, EventName = "AnswerCut", Level = LogLevel.Warning,
            Message = "{Method} {Path}: the answer is not whole and the client is told so, not handed it as complete: {Why}")]
        public static partial void AnswerCut(ILogger logger, string method, PathString path, string why);

        [LoggerMessage(EventId = 31, EventName = "ForwardFailed", Level = LogLevel.Warning,
            Message = "{Method} {Path} failed: {Error} ({Failure}); the client had bytes already: {ResponseStarted}")]
        public static partial void ForwardFailed(ILogger logger, string method, PathString path, ForwarderError error, string? failure, bool responseStarted);
    }
}
