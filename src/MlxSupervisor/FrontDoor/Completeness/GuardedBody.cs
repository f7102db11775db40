using System.Buffers;

namespace MlxSupervisor.FrontDoor.Completeness;

/// <summary>
/// Reads the server's body for the forwarder: every read is a sign of life for the stall watchdog and busy-aware
/// liveness, an event stream is followed as it passes (nothing held back, so each chunk reaches the client at once),
/// and a JSON body is held until it ends. A read that fails because the connection broke ends the body instead of
/// throwing: the forwarder then finishes normally, and the front door, which knows the answer is not whole, decides
/// what the client sees (the answer from a replacement, or an error), where YARP alone would cut the connection
/// without a word.
/// </summary>
internal sealed class GuardedBody(Stream inner, AnswerGuard guard, FrontDoorStatistics stats) : Stream
{
    private byte[]? _held;
    private int _heldLength;
    private int _heldServed;
    private bool _holding = guard.Kind == AnswerKind.Json;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_holding)
        {
            await HoldAsync(cancellationToken);
            _holding = false;
        }
        if (_held is not null)
        {
            if (buffer.IsEmpty)
                return 0; // A zero-byte read asks "is there data?": there is.
            var count = Math.Min(buffer.Length, _heldLength - _heldServed);
            _held.AsMemory(_heldServed, count).CopyTo(buffer);
            _heldServed += count;
            if (_heldServed == _heldLength)
                ReleaseHeld();
            if (count > 0)
                return count;
            if (guard.Ended || guard.ConnectionBroke)
                return 0;
        }
        return await ReadServerAsync(buffer, cancellationToken);
    }

    private async ValueTask<int> ReadServerAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (guard.Ended || guard.ConnectionBroke)
            return 0;
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (IsBrokenConnection(e) && !cancellationToken.IsCancellationRequested)
        {
            guard.ConnectionBroke = true;
            return 0;
        }
        // Forwarders issue zero-byte reads to wait for data without holding a buffer: a 0 then is not the end.
        if (buffer.IsEmpty)
            return 0;
        if (read == 0)
        {
            guard.Ended = true;
            return 0;
        }
        stats.ServerSentBytes();
        guard.Events?.Feed(buffer.Span[..read]);
        if (guard.Kind == AnswerKind.Json)
            guard.JsonFlowing = true;
        return read;
    }

    /// <summary>Reads a JSON body to its end, or to the hold limit, before the client gets a byte of it.</summary>
    private async Task HoldAsync(CancellationToken cancellationToken)
    {
        _held = ArrayPool<byte>.Shared.Rent(16 * 1024);
        while (_heldLength < AnswerGuard.JsonHoldLimit)
        {
            if (_heldLength == _held.Length)
                Grow();
            int read;
            try
            {
                read = await inner.ReadAsync(_held.AsMemory(_heldLength, Math.Min(_held.Length, AnswerGuard.JsonHoldLimit) - _heldLength), cancellationToken);
            }
            catch (Exception e) when (IsBrokenConnection(e) && !cancellationToken.IsCancellationRequested)
            {
                // Nothing of it has reached the client: it is dropped, and the request can be sent again.
                guard.ConnectionBroke = true;
                _heldLength = 0;
                return;
            }
            if (read == 0)
            {
                guard.Ended = true;
                if (guard.Framing == Framing.ConnectionClose && !AnswerGuard.IsWholeJson(_held.AsSpan(0, _heldLength)))
                {
                    guard.JsonCutShort = true;
                    _heldLength = 0;
                }
                return;
            }
            _heldLength += read;
            stats.ServerSentBytes();
        }
        // Too large to hold: what is held goes out, and the rest flows as it comes.
        guard.JsonFlowing = true;
    }

    private void Grow()
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_held!.Length * 2, AnswerGuard.JsonHoldLimit));
        _held.AsSpan(0, _heldLength).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_held);
        _held = larger;
    }

    private void ReleaseHeld()
    {
        if (_held is { } held)
        {
            _held = null;
            ArrayPool<byte>.Shared.Return(held);
        }
    }

    /// <summary>The server went away or cut its framed body short; not a cancellation, which is the client's or the forwarder's.</summary>
    private static bool IsBrokenConnection(Exception e) => e is IOException or HttpRequestException;

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReleaseHeld();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        ReleaseHeld();
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
