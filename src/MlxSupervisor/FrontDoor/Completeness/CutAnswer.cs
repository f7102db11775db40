using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.FrontDoor.Completeness;

/// <summary>
/// Ends an answer that content of which already reached the client, and that will not be whole: an event stream gets
/// one last event in OpenAI's error shape, <c>data: {"error": {...}}</c>, which the OpenAI SDKs raise as an error, and
/// then the connection is cut, never closed cleanly, so even a client that ignores the event sees a broken body
/// rather than a short answer that looks complete.
/// </summary>
internal static class CutAnswer
{
    public const string Code = "upstream_cut";

    /// <summary>How long the supervisor may take to see the server's exit, so the client is told what happened.</summary>
    private static readonly TimeSpan ExitSettles = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// How long the error event has to leave before the connection is cut. Kestrel's abort drops what its transport has
    /// not yet handed to the socket, and a flush only hands bytes to the transport; nothing says when they have left.
    /// A client that reads the event and gives up (the OpenAI SDKs raise on it) closes first and ends the wait.
    /// </summary>
    private static readonly TimeSpan ErrorEventLeaves = TimeSpan.FromSeconds(1);

    public static async Task EndAsync(HttpContext context, AnswerKind kind, string why, TimeProvider time)
    {
        if (kind == AnswerKind.EventStream && !context.RequestAborted.IsCancellationRequested)
        {
            try
            {
                await context.Response.Body.WriteAsync(ErrorEvent(why), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(ErrorEventLeaves, time, context.RequestAborted);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // The client left; the cut below is all there is to do.
            }
        }
        Cut(context);
    }

    /// <summary>Resets an HTTP/2 stream, or aborts the HTTP/1.1 connection, so the chunked body never gets its last chunk.</summary>
    public static void Cut(HttpContext context)
    {
        if (context.Features.Get<IHttpResetFeature>() is { } reset)
            reset.Reset(2); // INTERNAL_ERROR
        else
            context.Abort();
    }

    /// <summary>Why the answer is cut short, in words for the client: the server's exit, when the supervisor sees it soon enough.</summary>
    public static async Task<string> DescribeAsync(SupervisorStatus status, int? pid, string shortfall, TimeProvider time)
    {
        SupervisorSnapshot? ended = null;
        try
        {
            using var settle = new CancellationTokenSource(ExitSettles, time);
            ended = await status.WaitForAsync(s => s.Pid != pid || !s.IsServing, settle.Token);
        }
        catch (OperationCanceledException)
        {
        }
        return ended?.LastExit is { } exit && ended.Pid != pid
            ? $"The server ended mid-answer ({exit.Reason}); {shortfall}. The answer is incomplete."
            : $"{char.ToUpperInvariant(shortfall[0])}{shortfall[1..]}. The answer is incomplete.";
    }

    internal static byte[] ErrorEvent(string message)
    {
        using var buffer = new MemoryStream();
        buffer.Write("data: "u8);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", OpenAiError.ServerType);
            json.WriteNull("param");
            json.WriteString("code", Code);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        buffer.Write("\n\n"u8);
        return buffer.ToArray();
    }
}
