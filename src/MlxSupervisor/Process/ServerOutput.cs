using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MlxSupervisor.Process;

/// <summary>
/// Carries the server's output lines to the log through a bounded buffer, so a slow log disk can neither
/// block the server's writes nor grow the daemon's memory without limit. Lines that don't fit are counted.
/// </summary>
internal sealed partial class ServerOutput : IAsyncDisposable
{
    private const int TailLines = 20;

    private readonly Channel<(string Stream, string Line)> _lines;
    private readonly Queue<string> _stderrTail = new(TailLines);
    private readonly ILogger _logger;
    private readonly int _pid;
    private readonly Task _pump;
    private long _dropped;

    public ServerOutput(ILogger logger, int pid, int capacity)
    {
        _logger = logger;
        _pid = pid;
        _lines = Channel.CreateBounded<(string, string)>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropWrite,
        }, _ => Interlocked.Increment(ref _dropped));
        _pump = Task.Run(PumpAsync);
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    public IReadOnlyList<string> StderrTail
    {
        get
        {
            lock (_stderrTail)
                return [.. _stderrTail];
        }
    }

    public void OnStdout(string line) => _lines.Writer.TryWrite(("stdout", line));

    public void OnStderr(string line)
    {
        lock (_stderrTail)
        {
            if (_stderrTail.Count == TailLines)
                _stderrTail.Dequeue();
            _stderrTail.Enqueue(line);
        }
        _lines.Writer.TryWrite(("stderr", line));
    }

    private async Task PumpAsync()
    {
        await foreach (var (stream, line) in _lines.Reader.ReadAllAsync())
            Log.Line(_logger, _pid, stream, line);
    }

    /// <summary>Call once the pipes have closed: logs what is still buffered and how much was dropped.</summary>
    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _pump;
        if (Dropped > 0)
            Log.Dropped(_logger, _pid, Dropped);
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
