using System.Buffers;
using System.Text;
using System.Threading.Channels;
using CliWrap;
using Microsoft.Extensions.Logging;

namespace MlxSupervisor.Process;

/// <summary>
/// Carries the server's output to its own log file (<see cref="IServerLog"/>) through a bounded buffer, so a slow log
/// disk can neither block the server's writes nor grow the daemon's memory without limit. What doesn't fit is dropped
/// and counted. The daemon's log gets none of the lines (issue 14): only the drops, and the stderr tail when the
/// supervisor reports a crash.
/// </summary>
/// <remarks>
/// The pipes are drained in large blocks, each pipe by a thread of its own, each block stamped with the time it was
/// read; a single pump frames the blocks into lines and writes them to the file a batch at a time. What a server
/// printing as fast as it can paid for each way, against a pipe drained and discarded (docs/benchmarks.md): reading
/// line by line (CliWrap's PipeTarget.ToDelegate), 18×; blocks, each line a Serilog event, 6.4×; awaited block reads
/// framed into the file, 7× on a loaded machine, its wake-ups the cost (see <see cref="DrainAsync"/>).
/// </remarks>
internal sealed partial class ServerOutput : IAsyncDisposable
{
    private const int TailLines = 20;
    private const int BlockSize = 64 * 1024;

    /// <summary>
    /// How much the server's pipes hold, on Linux: the server writes that much without waiting for the daemon to be
    /// scheduled, where a 64 KB pipe made it wait once per 64 KB. 1 MB is the most an unprivileged process may ask for.
    /// </summary>
    internal const int PipeBytes = 1024 * 1024;

    /// <summary>The output's threads only read, frame and write, with no deep calls.</summary>
    private const int ThreadStackBytes = 256 * 1024;

    /// <summary>Framed lines gathered before a write; when the pump is behind it writes this much at once, so a flood costs few writes.</summary>
    private const int WriteBatchBytes = 256 * 1024;

    /// <summary>
    /// Synchronous continuations: the pump blocks on the channel's wait, so a block written to an empty channel
    /// wakes the pump from the drain thread itself; otherwise each wake goes through a pool thread first.
    /// </summary>
    private readonly Channel<Block> _blocks = Channel.CreateUnbounded<Block>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly Queue<string> _stderrTail = new(TailLines);
    private readonly TaskCompletionSource<int> _pid = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _fatalLine = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Health.FatalOutputMatcher? _fatal;
    private readonly IServerLog _log;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long _capacityBytes;
    private readonly Task _pump;
    private long _bufferedBytes;
    private long _droppedLines;
    private long _reportedDrops; // The pump's alone.
    private char[] _decoded = new char[1024]; // The pump's alone.
    private int _openPipes = 2;

    /// <param name="log">The server's log file, shared by its lives.</param>
    /// <param name="logger">The daemon's log, for what was dropped.</param>
    /// <param name="fatal">The lines that mean the server is dead (<c>Health:FatalOutput</c>); null: none.</param>
    public ServerOutput(IServerLog log, ILogger logger, long capacityBytes, TimeProvider time, Health.FatalOutputMatcher? fatal = null)
    {
        _log = log;
        _logger = logger;
        _capacityBytes = capacityBytes;
        _time = time;
        _fatal = fatal;
        _pump = OnThreadOfItsOwn(Pump, "server output");
    }

    /// <summary>The first line, on either stream, that matched <c>Health:FatalOutput</c>; never completes when none does.</summary>
    public Task<string> FatalLine => _fatalLine.Task;

    /// <summary>Completes once every line read off the pipes has been written: the pipes have closed and the log caught up.</summary>
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

    /// <summary>Lines are written from here on, marked with the server's pid, which CliWrap knows only once it runs.</summary>
    public void Attach(int pid) => _pid.TrySetResult(pid);

    /// <summary>
    /// Drains one pipe on a thread of its own, blocked in read(2), which the kernel wakes the moment the server writes.
    /// Awaiting each read instead (a wake-up through the runtime's I/O poller and a pool thread per 64 KB, the size of
    /// the pipe) let a 200,000-line flood take 7× as long to print as on a drained pipe on a loaded 2-core machine;
    /// with the thread, under 2× (issue 14, docs/benchmarks.md).
    /// </summary>
    /// <remarks>
    /// CliWrap cancels the token only to stop waiting on pipes that a survivor of SIGKILL still holds. The task then
    /// ends at once; the thread stays in its read until that survivor closes the pipe, or finds the stream disposed.
    /// </remarks>
    private Task DrainAsync(System.IO.Stream source, Stream stream, CancellationToken cancellationToken)
    {
        if (source is System.IO.Pipes.PipeStream pipe)
            NativeMethods.TryResizePipe(pipe.SafePipeHandle, PipeBytes);
        return OnThreadOfItsOwn(() =>
        {
            try
            {
                Drain(source, stream);
            }
            catch (ObjectDisposedException)
            {
                // CliWrap disposed the pipe after giving up on it: see the remarks.
            }
        }, stream == Stream.Stdout ? "server stdout" : "server stderr").WaitAsync(cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> on a background thread of its own; the task ends with it.</summary>
    private static Task OnThreadOfItsOwn(Action work, string name)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                work();
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e); // On a thread of its own, an exception left unhandled would end the daemon.
            }
        }, ThreadStackBytes)
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    private void Drain(System.IO.Stream source, Stream stream)
    {
        var gap = Gap.None;
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
                var read = source.Read(buffer, 0, BlockSize);
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
                if (!_blocks.Writer.TryWrite(new Block(stream, buffer, read, gap, _time.GetUtcNow())))
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

    /// <summary>
    /// Frames the blocks into lines and writes them, on a thread of its own: in a flood the reads never wait, so on a
    /// pool thread this loop held that thread for the whole flood, and on a 2-core machine the pool has two. The front
    /// door's requests, on the same pool, waited behind it (the likeliest cause of issue 14's stalled stream, which did
    /// not recur in the runs made to catch it). Here it blocks only itself.
    /// </summary>
    private void Pump()
    {
        var pid = _pid.Task.GetAwaiter().GetResult();
        using var framer = new LineFramer(pid, _time.LocalTimeZone);
        var reader = _blocks.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            if (!reader.TryRead(out var block))
                continue;
            // The log has caught up after a loss: say so now, where it happened, not only when this server's life ends.
            if (block.GapBefore != Gap.None)
                ReportDrops(pid, framer, block.At);
            framer.Add(block.Stream, block.Bytes.AsSpan(0, block.Length), block.GapBefore, block.At, OnLine);
            Interlocked.Add(ref _bufferedBytes, -block.Length);
            ArrayPool<byte>.Shared.Return(block.Bytes);
            // Written when nothing more is waiting, so a quiet server's lines reach the file at once and a flood's go in batches.
            if (framer.Framed.Length >= WriteBatchBytes || !reader.TryPeek(out _))
                Write(framer);
        }
        framer.End(OnLine);
        ReportDrops(pid, framer, _time.GetUtcNow());
        Write(framer);
    }

    private void Write(LineFramer framer)
    {
        if (framer.Framed.IsEmpty)
            return;
        _log.Write(framer.Framed);
        framer.Written();
    }

    private void OnLine(Stream stream, ReadOnlySpan<byte> bytes)
    {
        if (_fatal is not null && !_fatalLine.Task.IsCompleted && IsFatal(bytes))
            _fatalLine.TrySetResult(Encoding.UTF8.GetString(bytes));
        if (stream == Stream.Stderr)
        {
            var line = Encoding.UTF8.GetString(bytes);
            lock (_stderrTail)
            {
                if (_stderrTail.Count == TailLines)
                    _stderrTail.Dequeue();
                _stderrTail.Enqueue(line);
            }
        }
    }

    /// <summary>Decodes the line into a buffer kept for the purpose: in a flood a string for each line was most of the pump's work.</summary>
    private bool IsFatal(ReadOnlySpan<byte> bytes)
    {
        var count = Encoding.UTF8.GetMaxCharCount(bytes.Length);
        if (_decoded.Length < count)
            _decoded = new char[Math.Max(count, 2 * _decoded.Length)];
        var chars = Encoding.UTF8.GetChars(bytes, _decoded);
        return _fatal!.Matches(_decoded.AsSpan(0, chars));
    }

    private void ReportDrops(int pid, LineFramer framer, DateTimeOffset at)
    {
        var dropped = DroppedLines - _reportedDrops;
        if (dropped == 0)
            return;
        Log.Dropped(_logger, pid, dropped);
        framer.Note(at, $"dropped {dropped} lines of output here: the log could not keep up");
        _reportedDrops += dropped;
    }

    /// <summary>Call once the pipes have closed: writes what is still buffered, and what was dropped since the last report.</summary>
    public async ValueTask DisposeAsync()
    {
        _pid.TrySetResult(0);
        _blocks.Writer.TryComplete();
        await _pump;
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

    private readonly record struct Block(Stream Stream, byte[] Bytes, int Length, Gap GapBefore, DateTimeOffset At);

    private static partial class Log
    {
        [LoggerMessage(EventId = 101, EventName = "ServerOutputDropped", Level = LogLevel.Warning,
            Message = "Dropped {Count} lines of server {Pid} output because its log could not keep up")]
        public static partial void Dropped(ILogger logger, int pid, long count);
    }
}
