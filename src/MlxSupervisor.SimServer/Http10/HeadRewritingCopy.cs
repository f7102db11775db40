using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace MlxSupervisor.SimServer.Http10;

/// <summary>
/// Copies one direction of a connection, rewriting the first message head it carries and nothing else.
/// Each read is flushed on at once, so a streamed token is not held back.
/// </summary>
internal static class HeadRewritingCopy
{
    // Far above any head a client or Kestrel sends; past it the bytes pass unchanged and Kestrel judges them.
    private const int MaxHeadBytes = 64 * 1024;

    public static async Task RunAsync(PipeReader from, PipeWriter to, Func<string, string> rewriteHead)
    {
        Exception? failure = null;
        try
        {
            var headDone = false;
            while (true)
            {
                var result = await from.ReadAsync();
                if (result.IsCanceled)
                    break;

                var buffer = result.Buffer;
                if (!headDone)
                {
                    var headLength = HeadLength(buffer);
                    if (headLength is null && buffer.Length < MaxHeadBytes && !result.IsCompleted)
                    {
                        // Not the whole head yet: keep it and wait for more.
                        from.AdvanceTo(buffer.Start, buffer.End);
                        continue;
                    }

                    if (headLength is { } length)
                    {
                        var head = Encoding.Latin1.GetString(buffer.Slice(0, length));
                        to.Write(Encoding.Latin1.GetBytes(rewriteHead(head)));
                        buffer = buffer.Slice(length);
                    }

                    headDone = true;
                }

                foreach (var segment in buffer)
                    to.Write(segment.Span);
                from.AdvanceTo(result.Buffer.End);
                var flushed = await to.FlushAsync();
                if (result.IsCompleted || flushed.IsCompleted || flushed.IsCanceled)
                    break;
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The socket was reset or aborted under us: pass that on to the other side.
            failure = e;
        }
        finally
        {
            await from.CompleteAsync(failure);
            await to.CompleteAsync(failure);
        }
    }

    /// <returns>The length of the head up to and including its empty line, or null if it has not all arrived.</returns>
    private static long? HeadLength(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (reader.TryAdvanceTo((byte)'\n'))
        {
            // A head ends with an empty line: "\r\n\r\n", or "\n\n" from a lax client.
            if (reader.IsNext((byte)'\n', advancePast: true) || reader.IsNext("\r\n"u8, advancePast: true))
                return reader.Consumed;
        }

        return null;
    }
}
