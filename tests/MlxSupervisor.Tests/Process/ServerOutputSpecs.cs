using System.Text;
using FluentAssertions;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Process;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Process;

/// <summary>The server's output, fed to <see cref="ServerOutput"/> the way CliWrap feeds it: a stream read in pieces.</summary>
public sealed class ServerOutputSpecs : IDisposable
{
    private const int Pid = 4242;

    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public ServerOutputSpecs() => _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs));

    public void Dispose() => _loggerFactory.Dispose();

    private async Task<IReadOnlyList<string>> LoggedLinesAsync(byte[] stdout, int readSize)
    {
        var output = new ServerOutput(_loggerFactory.CreateLogger("MlxSupervisor.Server"), CliWrapServerLauncher.OutputBufferBytes);
        output.Attach(Pid);
        await output.Stdout.CopyFromAsync(new TrickleStream(stdout, readSize));
        await output.Stderr.CopyFromAsync(Stream.Null);
        await output.DisposeAsync();
        return [.. _logs.Lines.Select(l => l.Replace($"[Information] [{Pid} stdout] ", "", StringComparison.Ordinal))];
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task Characters_of_several_bytes_split_between_reads_reach_the_log_whole()
    {
        var lines = Enumerable.Range(0, 3000).Select(i => $"{i:D4} température 温度 🌡️ ok").ToList();
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");

        // 7-byte reads cut through nearly every multi-byte character at some point.
        var logged = await LoggedLinesAsync(bytes, readSize: 7);

        logged.Should().Equal(lines);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_line_longer_than_a_whole_block_reaches_the_log_as_one_line()
    {
        var longLine = string.Concat(Enumerable.Repeat("é0123456789", 20_000)); // 240,000 bytes of UTF-8
        var bytes = Encoding.UTF8.GetBytes($"before\n{longLine}\r\nafter");

        var logged = await LoggedLinesAsync(bytes, readSize: 64 * 1024);

        logged.Should().Equal("before", longLine, "after");
    }

    private const int StalledCapacity = 64 * 1024;

    /// <summary>
    /// Feeds <paramref name="first"/> while every log write waits, checks that all of it was read off the pipe
    /// regardless, then lets the log go on and feeds <paramref name="second"/>.
    /// </summary>
    private async Task<(List<string> Logged, ServerOutput Output)> StallTheLogThenCatchUp(string first, string second)
    {
        using var logStalls = new ManualResetEventSlim(false);
        using var factory = LoggerFactory.Create(b => b.AddProvider(new StallingLoggerProvider(_logs, logStalls)));
        var output = new ServerOutput(factory.CreateLogger("MlxSupervisor.Server"), StalledCapacity);
        output.Attach(Pid);
        var server = new PhasedStream(Encoding.UTF8.GetBytes(first), Encoding.UTF8.GetBytes(second), readSize: 4096);

        var writing = output.Stdout.CopyFromAsync(server);
        // All of the first part was read off the pipe while the log wrote nothing: the server never waited on it.
        await server.FirstPartRead.WaitAsync(TimeSpan.FromSeconds(10));
        output.DroppedLines.Should().BeGreaterThan(0);

        logStalls.Set();
        await _logs.WaitFor("[Information]"); // the log is writing again...
        server.SendSecondPart();             // ...and the server prints on
        await writing.WaitAsync(TimeSpan.FromSeconds(10));
        await output.Stderr.CopyFromAsync(Stream.Null);
        await output.DisposeAsync();
        return ([.. _logs.Lines], output);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_stalled_log_holds_up_neither_the_server_nor_more_than_the_bound_and_what_it_lost_is_counted_as_it_catches_up()
    {
        var early = Lines("early", 10_000); // about 1 MB: 16 times the bound
        var late = Lines("late", 100);

        var (logged, output) = await StallTheLogThenCatchUp(string.Concat(early.Select(l => l + "\n")), string.Concat(late.Select(l => l + "\n")));

        var reports = logged.Where(l => l.Contains("Dropped ", StringComparison.Ordinal)).ToList();
        reports.Should().ContainSingle("the loss is reported once the log catches up, and nothing was lost after that");
        var dropped = int.Parse(reports[0].Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        dropped.Should().Be((int)output.DroppedLines);
        var earlyLogged = logged.Count(l => l.Contains(" early ", StringComparison.Ordinal));
        (earlyLogged + dropped).Should().Be(early.Count, "each line either reaches the log or is counted as dropped");
        earlyLogged.Should().BeLessThan(2 * StalledCapacity / early[0].Length, "no more than the bound was held while the log stalled");
        logged.IndexOf(reports[0]).Should().BeLessThan(logged.FindIndex(l => l.Contains(late[0], StringComparison.Ordinal)),
            "the loss is reported when the log catches up, before the lines that follow it, not at the server's end");
        logged.Where(l => l.Contains(" late ", StringComparison.Ordinal)).Should().HaveCount(late.Count);
        logged.Should().NotContain(l => l.Contains("[…]", StringComparison.Ordinal), "no line was cut: the loss ended at a line's end");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_line_whose_start_was_lost_while_the_log_stalled_is_marked_as_a_fragment()
    {
        var early = string.Concat(Lines("early", 10_000).Select(l => l + "\n")) + "the start of a line that is lost";

        var (logged, _) = await StallTheLogThenCatchUp(early, " and its end, which is not\nlate line\n");

        logged.Should().Contain(l => l.EndsWith("[…]  and its end, which is not", StringComparison.Ordinal));
        logged.Should().Contain(l => l.EndsWith("] late line", StringComparison.Ordinal));
    }

    private static List<string> Lines(string word, int count) =>
        [.. Enumerable.Range(1, count).Select(i => $"{word} {i:D6} {new string('x', 90 - word.Length)}")];

    /// <summary>Hands out its bytes at most <c>readSize</c> at a time, as a pipe does when the writer is slow.</summary>
    private sealed class TrickleStream(byte[] bytes, int readSize) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, readSize)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, readSize), cancellationToken);
    }

    /// <summary>A pipe that hands out a first part, then waits for the test before handing out a second.</summary>
    private sealed class PhasedStream(byte[] first, byte[] second, int readSize) : Stream
    {
        private readonly TaskCompletionSource _firstRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _secondSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public Task FirstPartRead => _firstRead.Task;

        public void SendSecondPart() => _secondSent.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == first.Length)
            {
                _firstRead.TrySetResult();
                await _secondSent.Task.WaitAsync(cancellationToken);
            }
            var (source, offset) = _position < first.Length ? (first, _position) : (second, _position - first.Length);
            var count = Math.Min(Math.Min(buffer.Length, readSize), source.Length - offset);
            source.AsSpan(offset, count).CopyTo(buffer.Span);
            _position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A log whose every write waits until <c>resumed</c> is set, as on a log disk that has stopped.</summary>
    private sealed class StallingLoggerProvider(CapturingLoggerProvider inner, ManualResetEventSlim resumed) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new StallingLogger(inner.CreateLogger(categoryName), resumed);

        public void Dispose()
        {
        }

        private sealed class StallingLogger(ILogger inner, ManualResetEventSlim resumed) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                resumed.Wait(TimeSpan.FromSeconds(20));
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
