using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace MlxSupervisor.SimServer.Http10;

/// <summary>
/// <c>--http10</c>: a Kestrel connection middleware that makes each connection speak HTTP/1.0 the way
/// mlx_lm.server does. server.py's handler is a <c>BaseHTTPRequestHandler</c> with the default
/// <c>protocol_version</c>, "HTTP/1.0": the status line says HTTP/1.0, each connection carries one request,
/// and it is closed after the response, so a response without Content-Length, a stream above all, ends
/// where the connection ends (issue 12).
/// </summary>
/// <remarks>
/// Kestrel has no HTTP/1.0 mode, but it answers an HTTP/1.0 request the HTTP/1.0 way: no chunking, a body
/// without Content-Length delimited by the close, and the connection closed after that one response. So the
/// request head is rewritten to HTTP/1.0 without keep-alive on its way in, and on the way out the status line
/// and the <c>Connection: close</c> Kestrel adds are rewritten to what Python sends. Every other byte passes as
/// it is, over the client's own socket: a SIGKILL mid-stream closes it as the kernel closes any dead process's
/// sockets, with a FIN after the last byte sent, which a client cannot tell from the end of a whole stream.
/// Kestrel's own HTTPS middleware works the same way: it swaps the transport for one over an SslStream.
/// </remarks>
internal static class Http10Connection
{
    public static ConnectionDelegate Use(ConnectionDelegate next) => connection => HandleAsync(connection, next);

    private static async Task HandleAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var socket = connection.Transport;
        var toKestrel = new Pipe();
        var fromKestrel = new Pipe();
        var inbound = HeadRewritingCopy.RunAsync(socket.Input, toKestrel.Writer, Http10Heads.Request);
        var outbound = HeadRewritingCopy.RunAsync(fromKestrel.Reader, socket.Output, Http10Heads.Response);
        connection.Transport = new DuplexPipe(toKestrel.Reader, fromKestrel.Writer);
        try
        {
            await next(connection);
        }
        finally
        {
            // Kestrel is done with the connection. What it wrote still goes out before the socket closes; what
            // the client might still send is read by no one.
            await toKestrel.Reader.CompleteAsync();
            await fromKestrel.Writer.CompleteAsync();
            socket.Input.CancelPendingRead();
            await Task.WhenAll(inbound, outbound);
            connection.Transport = socket;
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
