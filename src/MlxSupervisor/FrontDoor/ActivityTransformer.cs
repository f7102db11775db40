using MlxSupervisor.FrontDoor.Completeness;
using Yarp.ReverseProxy.Forwarder;

namespace MlxSupervisor.FrontDoor;

/// <summary>
/// YARP's plain header copying, noting that the server's response headers arrived (its first bytes), and putting an
/// <see cref="AnswerGuard"/> on the body so the front door knows whether the answer reached its end.
/// </summary>
internal sealed class ActivityTransformer(FrontDoorStatistics stats) : HttpTransformer
{
    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is null)
            return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);

        stats.ServerSentBytes();
        // The headers are copied first, from the server's own content; YARP reads the body from the response's content after this returns.
        var copy = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        var guard = AnswerGuard.For(proxyResponse, httpContext.Request.Method);
        httpContext.Features.Set(guard);
        httpContext.Response.RegisterForDispose(guard);
        proxyResponse.Content = new GuardedContent(proxyResponse.Content, guard, stats);
        return copy;
    }
}
