using System.Buffers;
using System.Text;
using System.Threading.Channels;
using CliWrap;
using Microsoft.Extensions.Logging;

namespace MlxSupervisor.Process;

/// <summary>
/// Carries the server's output to the log through a bounded buffer, so a slow log disk can neither block the
/// server's writes nor grow the daemon's memory without limit. What doesn't fit is dropped and counted.
/// </summary>
/// <remarks>
/// The pipes are drained in large blocks and split into lines on the logging side. Reading line by line
/// (CliWrap's PipeTarget.ToDelegate) kept up with about 400,000 lines/s, so a server printing faster than
/// that stalled on a full pipe: 200,000 lines took 18× as long as on a drained pipe (docs/benchmarks.md).
/// </remarks>
internal sealed partial class ServerOutput : IAsyncDisposable
{
    private const int TailLines = 20;
    private const int BlockSize = 64 * 1024;

    private readonly Channel<Block> _blocks = Channel.CreateUnbounded<Block>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<string> _stderrTail = new(TailLines);
    private readonly TaskCompletionSource<int> _pid = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _fatalLine = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Health.FatalOutputMatcher? _fatal;
    private readonly ILogger _logger;
    private readonly long _capacityBytes;
    private readonly Task _pump;
    private long _bufferedBytes;
    private long _droppedLines;
    private long _reportedDrops; // The pump's alone, and DisposeAsync's once the pump has ended.
    private int _openPipes = 2;

    /// <param name="fatal">The lines that mean the server is dead (<c>Health:FatalOutput</c>); null: none.</param>
    public ServerOutput(ILogger logger, long capacityBytes, Health.FatalOutputMatcher? fatal = null)
    {
        _logger = logger;
        _capacityBytes = capacityBytes;
        _fatal = fatal;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>The first line, on either stream, that matched <c>Health:FatalOutput</c>; never completes when none does.</summary>
    public Task<string> FatalLine => _fatalLine.Task;

    /// <summary>Completes once every line read off the pipes has been logged: the pipes have closed and the log caught up.</summary>
    public Task Logged => _pump;

    public PipeTarget Stdout => PipeTarget.Create((source, ct) => DrainAsync(source, Stream.Stdout, ct));

    public PipeTarget Stderr => PipeTarget.Create((source, ct) => DrainAsync(source, Stream.Stderr, ct));

    public long DroppedLines => Interlocked.Read(ref _droppedLines);

    public IReadOnlyList<string> StderrTail
    {
        get
        {
            lock (_stderrTail)
                return [.. _stderrTail];
        }
    }

    /// <summary>Lines are logged from here on, marked with the server's pid, which CliWrap knows only once it runs.</summary>
    public void Attach(int pid) => _pid.TrySetResult(pid);

    private async Task DrainAsync(System.IO.Stream source, Stream stream, CancellationToken cancellationToken)
    {
        var gap = Gap.None;
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
                var read = await source.ReadAsync(buffer.AsMemory(0, BlockSize), cancellationToken);
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return;
                }
                if (Interlocked.Add(ref _bufferedBytes, read) > _capacityBytes)
                {
                    Interlocked.Add(ref _bufferedBytes, -read);
                    Interlocked.Add(ref _droppedLines, Math.Max(1, buffer.AsSpan(0, read).Count((byte)'\n')));
                    gap = buffer[read - 1] == (byte)'\n' ? Gap.AtLineEnd : Gap.MidLine;
                    ArrayPool<byte>.Shared.Return(buffer);
                    continue;
                }
                if (!_blocks.Writer.TryWrite(new Block(stream, buffer, read, gap)))
                {
                    ArrayPool<byte>.Shared.Return(buffer); // Disposed while a stray process still writes.
                    return;
                }
                gap = Gap.None;
            }
        }
        finally
        {
            if (Interlocked.Decrement(ref _openPipes) == 0)
                _blocks.Writer.TryComplete();
        }
    }

    private async Task PumpAsync()
    {
        var pid = await _pid.Task;
        using var stdout = new LineSplitter();
        using var stderr = new LineSplitter();
        await foreach (var block in _blocks.Reader.ReadAllAsync())
        {
            // The log has caught up after a loss: say so now, not only when this server's life ends.
            if (block.GapBefore != Gap.None)
                ReportDrops(pid);
            var splitter = block.Stream == Stream.Stdout ? stdout : stderr;
            foreach (var line in splitter.Split(block.Bytes.AsSpan(0, block.Length), block.GapBefore))
                Emit(pid, block.Stream, line);
            Interlocked.Add(ref _bufferedBytes, -block.Length);
            ArrayPool<byte>.Shared.Return(block.Bytes);
        }
        if (stdout.Rest() is { } lastOut)
            Emit(pid, Stream.Stdout, lastOut);
        if (stderr.Rest() is { } lastErr)
            Emit(pid, Stream.Stderr, lastErr);
    }

    private void Emit(int pid, Stream stream, string line)
    {
        if (_fatal is not null && !_fatalLine.Task.IsCompleted && _fatal.Matches(line))
            _fatalLine.TrySetResult(line);
        if (stream == Stream.Stderr)
        {
            lock (_stderrTail)
            {
                if (_stderrTail.Count == TailLines)
                    _stderrTail.Dequeue();
                _stderrTail.Enqueue(line);
            }
        }
        Log.Line(_logger, pid, stream == Stream.Stdout ? "stdout" : "stderr", line);
    }

    private void ReportDrops(int pid)
    {
        var dropped = DroppedLines;
        if (dropped == _reportedDrops)
            return;
        Log.Dropped(_logger, pid, dropped - _reportedDrops);
        _reportedDrops = dropped;
    }

    /// <summary>Call once the pipes have closed: logs what is still buffered and what was dropped since the last report.</summary>
    public async ValueTask DisposeAsync()
    {
        _pid.TrySetResult(0);
        _blocks.Writer.TryComplete();
        await _pump;
        ReportDrops(_pid.Task.Result);
    }

    private enum Stream
    {
        Stdout = 0,
        Stderr = 1,
    }

    /// <summary>What was dropped of a stream just before a block.</summary>
    private enum Gap
    {
        None = 0,

        /// <summary>Dropped bytes that ended at a line's end: the block starts a line.</summary>
        AtLineEnd = 1,

        /// <summary>Dropped bytes that ended inside a line: the block starts with the rest of it.</summary>
        MidLine = 2,
    }

    private readonly record struct Block(Stream Stream, byte[] Bytes, int Length, Gap GapBefore);

    /// <summary>Turns blocks of UTF-8 into lines, carrying a partial line (and a split character) to the next block.</summary>
    /// <remarks>
    /// Its char buffer is rented, not allocated: it lives as long as the server, so a new one for each server's life
    /// would reach gen2 and wait there, as garbage, for a full collection. One for a whole block would also be 128 KB,
    /// on the large object heap; a block is decoded a chunk at a time instead.
    /// </remarks>
    private sealed class LineSplitter : IDisposable
    {
        /// <summary>Bytes decoded at a time: UTF-8 gives at most one char per byte, plus one carried over.</summary>
        private const int DecodeChunk = 16 * 1024 - 1;

        private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
        private readonly StringBuilder _partial = new();
        private readonly char[] _chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(DecodeChunk));

        public void Dispose() => ArrayPool<char>.Shared.Return(_chars);

        public List<string> Split(ReadOnlySpan<byte> bytes, Gap gapBefore)
        {
            var lines = new List<string>();
            if (gapBefore != Gap.None)
            {
                // The line begun before the drop ended in what was dropped, and was counted with it.
                _partial.Clear();
                _decoder.Reset();
            }
            // The start of this line was dropped: mark it rather than log a fragment as if it were whole.
            if (gapBefore == Gap.MidLine)
                _partial.Append("[…] ");
            while (!bytes.IsEmpty)
            {
                var chunk = bytes[..Math.Min(bytes.Length, DecodeChunk)];
                var count = _decoder.GetChars(chunk, _chars, flush: false);
                SplitInto(lines, _chars.AsSpan(0, count));
                bytes = bytes[chunk.Length..];
            }
            return lines;
        }

        private void SplitInto(List<string> lines, ReadOnlySpan<char> text)
        {
            while (true)
            {
                var newline = text.IndexOf('\n');
                if (newline < 0)
                {
                    _partial.Append(text);
                    return;
                }
                var line = text[..newline].TrimEnd('\r');
                if (_partial.Length > 0)
                {
                    lines.Add(_partial.Append(line).ToString());
                    _partial.Clear();
                }
                else
                {
                    lines.Add(line.ToString());
                }
                text = text[(newline + 1)..];
            }
        }

        public string? Rest() => _partial.Length > 0 ? _partial.ToString() : null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, EventName = "ServerOutput", Level = LogLevel.Information, Message = "[{Pid} {Stream}] {Line}")]
        public static partial void Line(ILogger logger, int pid, string stream, string line);

        [LoggerMessage(EventId = 101, EventName = "ServerOutputDropped", Level = LogLevel.Warning,
            Message = "Dropped {Count} lines of server {Pid} output because the log could not keep up")]
        public static partial void Dropped(ILogger logger, int pid, long count);
    }
}
