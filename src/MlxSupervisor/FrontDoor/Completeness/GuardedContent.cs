using System.Net;

namespace MlxSupervisor.FrontDoor.Completeness;

/// <summary>
/// The server's response body as the forwarder reads it, through an <see cref="AnswerGuard"/>: put in place of the
/// response's content once its headers have been copied (<see cref="ActivityTransformer"/>), so YARP reads the body
/// through it and nothing else changes.
/// </summary>
internal sealed class GuardedContent(HttpContent inner, AnswerGuard guard, FrontDoorStatistics stats) : HttpContent
{
    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new GuardedBody(await inner.ReadAsStreamAsync(cancellationToken), guard, stats);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var body = await CreateContentReadStreamAsync(cancellationToken);
        await body.CopyToAsync(stream, cancellationToken);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
