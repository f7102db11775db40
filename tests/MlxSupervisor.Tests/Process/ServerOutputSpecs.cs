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

    /// <summary>Hands out its bytes at most <c>readSize</c> at a time, as a pipe does when the writer is slow.</summary>
    private sealed class TrickleStream(byte[] bytes, int readSize) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, readSize)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, readSize), cancellationToken);
    }
}
