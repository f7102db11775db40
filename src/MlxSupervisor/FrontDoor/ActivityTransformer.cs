using Yarp.ReverseProxy.Forwarder;

namespace MlxSupervisor.FrontDoor;

/// <summary>YARP's plain header copying, noting that the server's response headers arrived: its first bytes.</summary>
internal sealed class ActivityTransformer(FrontDoorStatistics stats) : HttpTransformer
{
    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is not null)
            stats.ServerSentBytes();
        return base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }
}
