using MlxSupervisor.SimServer.Faults;
using MlxSupervisor.SimServer.Generation;

namespace MlxSupervisor.SimServer.Endpoints;

/// <summary>
/// <c>POST /v1/chat/completions</c> and <c>POST /v1/completions</c>: generates numbered tokens, either as one
/// JSON response or as a server-sent event stream, in the order server.py's <c>handle_completion</c> does:
/// the request waits for the generation thread, then the headers go out, then prompt processing (keepalive
/// comments), the tokens, the final chunk with its finish_reason, the usage chunk if asked, and [DONE].
/// </summary>
/// <param name="stampChunks"><c>--stamp-chunks</c>: each chunk carries the clock's timestamp as it is written.</param>
internal sealed class CompletionsEndpoint(
    string defaultModel, CompletionFaults faults, InFlightTracker tracker, GenerationThread thread,
    TokenGenerator generator, JsonResponse replies, TimeProvider time, bool stampChunks = false)
{
    private long _requestNumber;

    public Task HandleChatAsync(HttpContext context) => HandleAsync(context, CompletionKind.Chat);

    public Task HandleTextAsync(HttpContext context) => HandleAsync(context, CompletionKind.Text);

    private async Task HandleAsync(HttpContext context, CompletionKind kind)
    {
        // In flight from arrival, before the body is even read, until the response is done or aborted.
        faults.OnArrival(tracker.Enter());
        var aborted = context.RequestAborted;
        var taken = false;
        try
        {
            (var request, var error) = await CompletionRequest.ReadAsync(context.Request.Body, defaultModel, aborted);
            if (request is null)
            {
                await replies.WriteAsync(context.Response, StatusCodes.Status400BadRequest,
                    json => OpenAiJson.WriteError(json, error!));
                return;
            }

            if (await thread.TakeAsync(aborted) is { } loadFailure)
            {
                // server.py answers any exception from generate(), a failed model load among them, with 404.
                await replies.WriteAsync(context.Response, StatusCodes.Status404NotFound,
                    json => OpenAiJson.WriteMlxError(json, loadFailure));
                return;
            }

            taken = true;
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
            // A request the thread took counts once it is over, whether its client stayed to the end or, as a
            // one-token probe does, hung up after the first token: --generation-dies-after N counts every one.
            if (taken)
                thread.Completed();
            tracker.Exit();
        }
    }

    private async Task RespondAsync(HttpContext context, CompletionIdentity identity, CompletionRequest request,
        CancellationToken aborted)
    {
        // Prompt processing takes its time here too; only a stream has a way to say so.
        await generator.ProcessPromptAsync(static (_, _) => Task.CompletedTask, aborted);
        var count = generator.CountFor(request);
        var tokens = new List<string>(count);
        await foreach (var token in generator.GenerateAsync(count, aborted))
            tokens.Add(token);

        await replies.WriteCompletionAsync(context.Response, json => OpenAiJson.WriteCompletion(json, identity,
            string.Concat(tokens), request.PromptTokens, count, generator.FinishReasonFor(request)));
    }

    private async Task StreamAsync(HttpContext context, CompletionIdentity identity, CompletionRequest request,
        CancellationToken aborted)
    {
        var events = await ServerSentEvents.StartAsync(context.Response, aborted);
        await generator.ProcessPromptAsync(
            (processed, total) => events.WriteCommentAsync($"keepalive {processed}/{total}"), aborted);
        var count = generator.CountFor(request);
        var first = true;
        await foreach (var token in generator.GenerateAsync(count, aborted))
        {
            var isFirst = first;
            // The stamp is taken as the chunk is serialized, in the call that writes and flushes it.
            await events.WriteAsync(json => OpenAiJson.WriteChunk(json, identity, token, isFirst, finishReason: null, Stamp()));
            first = false;
        }

        var finalIsFirst = first;
        var finishReason = generator.FinishReasonFor(request);
        await events.WriteAsync(json => OpenAiJson.WriteChunk(json, identity, token: null, finalIsFirst, finishReason, Stamp()));
        if (request.IncludeUsage)
            await events.WriteAsync(json => OpenAiJson.WriteUsageChunk(json, identity, request.PromptTokens, count));
        await events.WriteDoneAsync();
    }

    private long? Stamp() => stampChunks ? time.GetTimestamp() : null;
}
