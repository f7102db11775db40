using MlxSupervisor.SimServer.Faults;
using MlxSupervisor.SimServer.Generation;
using MlxSupervisor.SimServer.Options;

namespace MlxSupervisor.SimServer.Endpoints;

/// <summary>
/// <c>POST /v1/chat/completions</c> and <c>POST /v1/completions</c>: generates numbered tokens, either as one
/// JSON response or as a server-sent event stream.
/// </summary>
internal sealed class CompletionsEndpoint(
    SimOptions options, InFlightTracker tracker, InFlightLimit limit, TokenGenerator generator, TimeProvider time)
{
    private const string FinishReason = "stop";

    private long _requestNumber;

    public Task HandleChatAsync(HttpContext context) => HandleAsync(context, CompletionKind.Chat);

    public Task HandleTextAsync(HttpContext context) => HandleAsync(context, CompletionKind.Text);

    private async Task HandleAsync(HttpContext context, CompletionKind kind)
    {
        // In flight from arrival, before the body is even read, until the response is done or aborted.
        limit.Enforce(tracker.Enter());
        var aborted = context.RequestAborted;
        try
        {
            (var request, var error) = await CompletionRequest.ReadAsync(context.Request.Body, options.Model, aborted);
            if (request is null)
            {
                await JsonResponse.WriteAsync(context.Response, StatusCodes.Status400BadRequest,
                    json => OpenAiJson.WriteError(json, error!));
                return;
            }

            var prefix = kind == CompletionKind.Chat ? "chatcmpl-sim-" : "cmpl-sim-";
            var identity = new CompletionIdentity(kind, prefix + Interlocked.Increment(ref _requestNumber),
                time.GetUtcNow().ToUnixTimeSeconds(), request.Model);
            if (request.Stream)
                await StreamAsync(context, identity, request, aborted);
            else
                await RespondAsync(context, identity, request, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away (or the server is stopping): nothing left to answer.
        }
        finally
        {
            tracker.Exit();
        }
    }

    private async Task RespondAsync(HttpContext context, CompletionIdentity identity, CompletionRequest request,
        CancellationToken aborted)
    {
        var count = generator.CountFor(request);
        var tokens = new List<string>(count);
        await foreach (var token in generator.GenerateAsync(count, aborted))
            tokens.Add(token);

        await JsonResponse.WriteAsync(context.Response, StatusCodes.Status200OK, json =>
            OpenAiJson.WriteCompletion(json, identity, string.Concat(tokens), request.PromptTokens, count, FinishReason));
    }

    private async Task StreamAsync(HttpContext context, CompletionIdentity identity, CompletionRequest request,
        CancellationToken aborted)
    {
        var events = await ServerSentEvents.StartAsync(context.Response, aborted);
        var count = generator.CountFor(request);
        var first = true;
        await foreach (var token in generator.GenerateAsync(count, aborted))
        {
            var isFirst = first;
            await events.WriteAsync(json => OpenAiJson.WriteChunk(json, identity, token, isFirst, finishReason: null));
            first = false;
        }

        var finalIsFirst = first;
        await events.WriteAsync(json => OpenAiJson.WriteChunk(json, identity, token: null, finalIsFirst, FinishReason));
        if (request.IncludeUsage)
            await events.WriteAsync(json => OpenAiJson.WriteUsageChunk(json, identity, request.PromptTokens, count));
        await events.WriteDoneAsync();
    }
}
