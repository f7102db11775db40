using System.IO.Pipes;
using System.Text;
using FluentAssertions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MlxSupervisor.Process;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Process;

/// <summary>The server's output, fed to <see cref="ServerOutput"/> the way CliWrap feeds it: a stream read in pieces.</summary>
public sealed class ServerOutputSpecs : IDisposable
{
    private const int Pid = 4242;

    private readonly CapturingLoggerProvider _logs = new();
    private readonly CapturingServerLog _file = new();
    private readonly ILoggerFactory _loggerFactory;

    public ServerOutputSpecs() => _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs));

    public void Dispose() => _loggerFactory.Dispose();

    private ServerOutput NewOutput(IServerLog? file = null, long capacity = CliWrapServerLauncher.OutputBufferBytes, TimeProvider? time = null)
    {
        var output = new ServerOutput(file ?? _file, _loggerFactory.CreateLogger("MlxSupervisor.Server"), capacity, time ?? TimeProvider.System);
        output.Attach(Pid);
        return output;
    }

    /// <summary>The text of each line of the file, behind its time and stream mark.</summary>
    private static List<string> Texts(IEnumerable<string> lines) =>
        [.. lines.Select(l => l[(l.IndexOf("] ", StringComparison.Ordinal) + 2)..])];

    private async Task<IReadOnlyList<string>> WrittenLinesAsync(byte[] stdout, int readSize)
    {
        var output = NewOutput();
        await output.Stdout.CopyFromAsync(new TrickleStream(stdout, readSize));
        await output.Stderr.CopyFromAsync(Stream.Null);
        await output.DisposeAsync();
        _file.Lines.Should().OnlyContain(l => l.Contains($" [{Pid} stdout] ", StringComparison.Ordinal));
        return Texts(_file.Lines);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task Characters_of_several_bytes_split_between_reads_reach_the_file_whole()
    {
        var lines = Enumerable.Range(0, 3000).Select(i => $"{i:D4} température 温度 🌡️ ok").ToList();
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");

        // 7-byte reads cut through nearly every multi-byte character at some point.
        var written = await WrittenLinesAsync(bytes, readSize: 7);

        written.Should().Equal(lines);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_line_longer_than_a_whole_block_reaches_the_file_as_one_line()
    {
        var longLine = string.Concat(Enumerable.Repeat("é0123456789", 20_000)); // 240,000 bytes of UTF-8
        var bytes = Encoding.UTF8.GetBytes($"before\n{longLine}\r\nafter");

        var written = await WrittenLinesAsync(bytes, readSize: 64 * 1024);

        written.Should().Equal("before", longLine, "after");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_line_that_never_ends_is_cut_at_the_bound_and_goes_on_as_a_marked_fragment()
    {
        var endless = new byte[ServerOutput.MaxLineBytes + 1000];
        endless.AsSpan().Fill((byte)'x');

        var written = await WrittenLinesAsync(endless, readSize: 64 * 1024);

        written.Should().HaveCount(2, "memory held for one line stays bounded");
        written[0].Length.Should().BeGreaterThanOrEqualTo(ServerOutput.MaxLineBytes).And.BeLessThan(ServerOutput.MaxLineBytes + 64 * 1024);
        written[1].Should().StartWith("[…] x");
        (written[0].Length + written[1].Length - "[…] ".Length).Should().Be(endless.Length, "nothing of it is lost");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task Each_line_is_written_with_the_time_it_was_read_and_its_stream()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 3, 7, 123, TimeSpan.Zero));
        time.SetLocalTimeZone(TimeZoneInfo.CreateCustomTimeZone("plus2", TimeSpan.FromHours(2), "plus2", "plus2"));
        var output = NewOutput(time: time);
        var stdout = new ScriptedPipe();
        var stderr = new ScriptedPipe();
        var pumping = Task.WhenAll(output.Stdout.CopyFromAsync(stdout), output.Stderr.CopyFromAsync(stderr));

        await stdout.Send("first out\nsecond");
        await stderr.Send("an error\n");
        time.Advance(TimeSpan.FromMilliseconds(1500));
        await stdout.Send(" half\nthird out\n");
        stdout.End();
        stderr.End();
        await pumping.WaitAsync(Timeouts.Wait);
        await output.DisposeAsync();

        _file.Lines.Should().Equal(
            "2026-05-01 14:03:07.123 +02:00 [4242 stdout] first out",
            "2026-05-01 14:03:07.123 +02:00 [4242 stderr] an error",
            "2026-05-01 14:03:07.123 +02:00 [4242 stdout] second half",
            "2026-05-01 14:03:08.623 +02:00 [4242 stdout] third out");
        output.StderrTail.Should().Equal("an error");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task Lines_read_together_are_written_together_in_one_block()
    {
        var text = string.Concat(Enumerable.Range(0, 500).Select(i => $"line {i}\n"));

        await WrittenLinesAsync(Encoding.UTF8.GetBytes(text), readSize: 64 * 1024);

        _file.Lines.Should().HaveCount(500);
        _file.Writes.Should().Be(1);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task The_stderr_tail_keeps_the_last_twenty_stderr_lines_and_none_of_stdout()
    {
        var output = NewOutput();
        await output.Stdout.CopyFromAsync(new MemoryStream(Encoding.UTF8.GetBytes("out 1\nout 2\n")));
        await output.Stderr.CopyFromAsync(new TrickleStream(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, 30).Select(i => $"err {i}\r\n"))), 5));
        await output.DisposeAsync();

        output.StderrTail.Should().Equal(Enumerable.Range(11, 20).Select(i => $"err {i}"));
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task On_Linux_the_servers_pipe_is_made_to_hold_a_megabyte_so_a_burst_never_waits_for_the_daemon()
    {
        using var server = new AnonymousPipeServerStream(PipeDirection.Out);
        using var daemonEnd = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        var before = NativeMethods.PipeSize(daemonEnd.SafePipeHandle);
        var output = NewOutput();

        var draining = output.Stdout.CopyFromAsync(daemonEnd);
        server.Write("hello\n"u8);
        await _file.WaitFor("] hello");
        var after = NativeMethods.PipeSize(daemonEnd.SafePipeHandle);
        server.Dispose();
        await draining.WaitAsync(Timeouts.Wait);
        await output.Stderr.CopyFromAsync(Stream.Null);
        await output.DisposeAsync();

        before.Should().Be(64 * 1024, "Linux's default");
        after.Should().Be(ServerOutput.PipeBytes);
    }

    private const int StalledCapacity = 64 * 1024;

    /// <summary>
    /// Feeds <paramref name="first"/> while every write to the file waits, checks that all of it was read off the pipe
    /// regardless, then lets the file go on and feeds <paramref name="second"/>.
    /// </summary>
    private async Task<(List<string> Written, ServerOutput Output)> StallTheFileThenCatchUp(string first, string second)
    {
        using var fileStalls = new ManualResetEventSlim(false);
        var file = new StallingServerLog(_file, fileStalls);
        var output = NewOutput(file, StalledCapacity);
        // The server prints on only once the file has stalled on its first write: were the pump still taking blocks off
        // the buffer while the drops began, a block could be kept after one was dropped, and that loss would split a line.
        var server = new PhasedStream(Encoding.UTF8.GetBytes(first), Encoding.UTF8.GetBytes(second), readSize: 4096, file.Stalled);

        var writing = output.Stdout.CopyFromAsync(server);
        // All of the first part was read off the pipe while the file took nothing: the server never waited on it.
        await server.FirstPartRead.WaitAsync(TimeSpan.FromSeconds(10));
        output.DroppedLines.Should().BeGreaterThan(0);

        fileStalls.Set();
        // The file is written again, and has caught up with what was kept: only then does the server print on, or
        // its next lines would find the buffer still full and be dropped too.
        var kept = first.Count(c => c == '\n') - output.DroppedLines;
        var deadline = DateTime.UtcNow + Timeouts.Wait;
        while (_file.Lines.Count(l => l.Contains(" stdout] early ", StringComparison.Ordinal)) < kept)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the file catches up once the disk goes on");
            await Task.Delay(10);
        }
        server.SendSecondPart();
        await writing.WaitAsync(TimeSpan.FromSeconds(10));
        await output.Stderr.CopyFromAsync(Stream.Null);
        await output.DisposeAsync();
        return ([.. _file.Lines], output);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_stalled_disk_holds_up_neither_the_server_nor_more_than_the_bound_and_what_it_lost_is_counted_as_it_catches_up()
    {
        var early = Lines("early", 10_000); // about 1 MB: 16 times the bound
        var late = Lines("late", 100);

        var (written, output) = await StallTheFileThenCatchUp(string.Concat(early.Select(l => l + "\n")), string.Concat(late.Select(l => l + "\n")));

        var reports = _logs.Lines.Where(l => l.Contains("Dropped ", StringComparison.Ordinal)).ToList();
        reports.Should().ContainSingle("the loss is reported once the file catches up, and nothing was lost after that");
        var dropped = int.Parse(reports[0].Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        dropped.Should().Be((int)output.DroppedLines);
        var earlyWritten = written.Count(l => l.Contains(" early ", StringComparison.Ordinal));
        (earlyWritten + dropped).Should().Be(early.Count, "each line either reaches the file or is counted as dropped");
        earlyWritten.Should().BeLessThan(2 * StalledCapacity / early[0].Length, "no more than the bound was held while the file stalled");
        var note = written.FindIndex(l => l.EndsWith($"[{Pid} mlx-supervisor] dropped {dropped} lines of output here: the log could not keep up", StringComparison.Ordinal));
        note.Should().BeGreaterThanOrEqualTo(0, "the file says where lines are missing");
        note.Should().BeLessThan(written.FindIndex(l => l.Contains(late[0], StringComparison.Ordinal)),
            "the loss is noted where it happened, before the lines that follow it, not at the server's end");
        written.Where(l => l.Contains(" late ", StringComparison.Ordinal)).Should().HaveCount(late.Count);
        written.Should().NotContain(l => l.Contains("[…]", StringComparison.Ordinal), "no line was cut: the loss ended at a line's end");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_line_whose_start_was_lost_while_the_disk_stalled_is_marked_as_a_fragment()
    {
        var early = string.Concat(Lines("early", 10_000).Select(l => l + "\n")) + "the start of a line that is lost";

        var (written, _) = await StallTheFileThenCatchUp(early, " and its end, which is not\nlate line\n");

        written.Should().Contain(l => l.EndsWith("stdout] […]  and its end, which is not", StringComparison.Ordinal));
        written.Should().Contain(l => l.EndsWith("stdout] late line", StringComparison.Ordinal));
    }

    private static List<string> Lines(string word, int count) =>
        [.. Enumerable.Range(1, count).Select(i => $"{word} {i:D6} {new string('x', 90 - word.Length)}")];

    /// <summary>Hands out its bytes at most <c>readSize</c> at a time, as a pipe does when the writer is slow.</summary>
    private sealed class TrickleStream(byte[] bytes, int readSize) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, readSize));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, readSize)]);
    }

    /// <summary>A pipe that hands out a first part, then waits for the test before handing out a second.</summary>
    /// <param name="printsOnAfter">Completes when the reads after the first one may go on.</param>
    private sealed class PhasedStream(byte[] first, byte[] second, int readSize, Task printsOnAfter) : ReadOnlyPipe
    {
        private readonly TaskCompletionSource _firstRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _secondSent = new();
        private int _position;

        public Task FirstPartRead => _firstRead.Task;

        public void SendSecondPart() => _secondSent.Set();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position > 0 && !printsOnAfter.Wait(Timeouts.Wait))
                throw new TimeoutException("the file was never written");
            if (_position == first.Length)
            {
                _firstRead.TrySetResult();
                _secondSent.Wait(Timeouts.Wait);
            }
            var (source, from) = _position < first.Length ? (first, _position) : (second, _position - first.Length);
            var taken = Math.Min(Math.Min(count, readSize), source.Length - from);
            source.AsSpan(from, taken).CopyTo(buffer.AsSpan(offset));
            _position += taken;
            return taken;
        }

        protected override void Dispose(bool disposing)
        {
            _secondSent.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>A file whose every write waits until <c>resumed</c> is set, as on a log disk that has stopped.</summary>
    private sealed class StallingServerLog(IServerLog inner, ManualResetEventSlim resumed) : IServerLog
    {
        private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the first write has begun to wait.</summary>
        public Task Stalled => _stalled.Task;

        public void Write(ReadOnlySpan<byte> lines)
        {
            _stalled.TrySetResult();
            resumed.Wait(TimeSpan.FromSeconds(20));
            inner.Write(lines);
        }
    }

    /// <summary>A pipe the test writes into a piece at a time, each piece one read, as a server printing now and then.</summary>
    private sealed class ScriptedPipe : ReadOnlyPipe
    {
        private readonly System.Collections.Concurrent.BlockingCollection<byte[]> _pieces = [];
        private readonly SemaphoreSlim _taken = new(0);
        private bool _handedOut;

        /// <summary>Completes once the piece has been read off the pipe and handed on: the reader has come back for more.</summary>
        public async Task Send(string text)
        {
            _pieces.Add(Encoding.UTF8.GetBytes(text));
            (await _taken.WaitAsync(Timeouts.Wait)).Should().BeTrue("the drain reads what the server prints");
        }

        public void End() => _pieces.CompleteAdding();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_handedOut)
            {
                _handedOut = false;
                _taken.Release();
            }
            if (!_pieces.TryTake(out var piece, Timeouts.Wait))
                return 0; // ended
            piece.CopyTo(buffer, offset);
            _handedOut = true;
            return piece.Length;
        }

        protected override void Dispose(bool disposing)
        {
            _pieces.Dispose();
            _taken.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>The read end of a pipe, whose reads block until the server writes, as <see cref="ServerOutput"/> reads it.</summary>
    private abstract class ReadOnlyPipe : Stream
    {
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
}
