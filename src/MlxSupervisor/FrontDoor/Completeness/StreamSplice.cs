using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace MlxSupervisor.FrontDoor.Completeness;

/// <summary>
/// Sends a streamed request again, to the server's replacement, and splices the replacement's events into the
/// response the client already has.
/// </summary>
/// <remarks>
/// Chosen over holding a stream's headers until its first data event: mlx_lm.server writes ": keepalive" comments while
/// it processes a long prompt, precisely so that clients and proxies see the connection alive, and holding them would
/// leave a client with nothing for as long as the prompt takes. So headers and comments pass at once; if the server dies
/// before its first data event, the client has had no content, and the replacement's events follow the comments as if
/// the first server had sent them. Its status and headers are not sent (the client has the first ones), so only a
/// replacement that answers 2xx with an event stream can be spliced in; anything else ends the stream with an error.
/// </remarks>
internal sealed class StreamSplice(HttpMessageInvoker upstream, HttpTransformer transformer, FrontDoorStatistics stats)
{
    private const int CopyBufferSize = 16 * 1024;

    /// <returns>The guard that followed the replacement's stream, or, when it would not stream, why not.</returns>
    public async Task<(AnswerGuard? Guard, string? Refusal)> SendAgainAsync(HttpContext context, string upstreamPrefix, CancellationToken cancellationToken)
    {
        using var request = await RequestAsync(context, upstreamPrefix, cancellationToken);
        stats.ForwardStarted();
        try
        {
            using var response = await upstream.SendAsync(request, cancellationToken);
            stats.ServerSentBytes();
            var guard = AnswerGuard.For(response, context.Request.Method);
            context.Response.RegisterForDispose(guard);
            if (!response.IsSuccessStatusCode || guard.Kind != AnswerKind.EventStream)
                return (null, $"the server's replacement answered HTTP {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} instead of an event stream");

            var buffer = new byte[CopyBufferSize];
            await using var body = new GuardedBody(await response.Content.ReadAsStreamAsync(cancellationToken), guard, stats);
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            return (guard, null);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"the server's replacement could not be reached ({e.Message})");
        }
        finally
        {
            stats.ForwardEnded();
        }
    }

    /// <summary>The client's request as the forwarder sent it: its method, path, query, headers and kept body.</summary>
    private async Task<HttpRequestMessage> RequestAsync(HttpContext context, string upstreamPrefix, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(new HttpMethod(context.Request.Method),
            RequestUtilities.MakeDestinationAddress(upstreamPrefix, context.Request.Path, context.Request.QueryString))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        if (context.Request.Body.CanSeek && context.Request.Body.Length > 0)
        {
            context.Request.Body.Position = 0;
            using var copy = new MemoryStream();
            await context.Request.Body.CopyToAsync(copy, cancellationToken);
            request.Content = new ByteArrayContent(copy.ToArray());
        }
        await transformer.TransformRequestAsync(context, request, upstreamPrefix, cancellationToken);
        return request;
    }
}
