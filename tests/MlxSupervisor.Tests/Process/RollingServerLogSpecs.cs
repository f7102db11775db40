using System.Text;
using FluentAssertions;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Process;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Process;

/// <summary>The server's log file, rolled by size: server.log is always the one written, server.log.1 the one before.</summary>
public sealed class RollingServerLogSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public RollingServerLogSpecs() => _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs));

    public void Dispose()
    {
        _loggerFactory.Dispose();
        _dir.Dispose();
    }

    private string LogPath => Path.Combine(_dir.Path, "server.log");

    private RollingServerLog Log(long limit, int kept, string? path = null) => new(path ?? LogPath, limit, kept, _loggerFactory.CreateLogger("test"));

    private static List<string> Lines(int from, int count) => [.. Enumerable.Range(from, count).Select(i => $"2026-05-01 12:00:00.000 +00:00 [42 stdout] line {i:D4} {new string('x', 20)}")];

    private static void WriteInBlocks(RollingServerLog log, IReadOnlyList<string> lines, int perBlock)
    {
        foreach (var block in lines.Chunk(perBlock))
            log.Write(Encoding.UTF8.GetBytes(string.Concat(block.Select(l => l + "\n"))));
    }

    private string[] FilesOnDisk() => [.. Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order()!];

    [Fact]
    public void Rolling_at_the_size_limit_keeps_only_the_allowed_files_each_within_the_limit_and_of_whole_lines()
    {
        var lines = Lines(1, 200); // 74 bytes each: 14,800 bytes through files of at most 1,000
        var log = Log(limit: 1000, kept: 3);

        WriteInBlocks(log, lines, perBlock: 7);

        FilesOnDisk().Should().Equal("server.log", "server.log.1", "server.log.2");
        foreach (var file in FilesOnDisk())
        {
            var bytes = File.ReadAllBytes(Path.Combine(_dir.Path, file));
            bytes.Length.Should().BeLessThanOrEqualTo(1000, file);
            bytes[^1].Should().Be((byte)'\n', $"{file} ends at a line's end");
        }
        var kept = File.ReadAllLines(LogPath + ".2").Concat(File.ReadAllLines(LogPath + ".1")).Concat(File.ReadAllLines(LogPath)).ToList();
        kept.Should().Equal(lines.TakeLast(kept.Count), "the files hold the newest lines, oldest file first, none missing between them");
        kept.Count.Should().BeGreaterThanOrEqualTo(2 * (1000 / (lines[0].Length + 1)) + 1, "the two older files are full but for less than a line");
    }

    [Fact]
    public void A_file_already_there_is_appended_to_as_a_restarted_daemon_finds_it()
    {
        File.WriteAllText(LogPath, "from before\n");

        Log(limit: 1000, kept: 3).Write("after\n"u8);

        File.ReadAllLines(LogPath).Should().Equal("from before", "after");
    }

    [Fact]
    public void Backups_beyond_a_lowered_count_are_deleted_at_the_next_roll()
    {
        for (var n = 1; n <= 5; n++)
            File.WriteAllText($"{LogPath}.{n}", $"old {n}\n");
        File.WriteAllText(LogPath, new string('y', 990) + "\n");
        File.WriteAllText(LogPath + ".notes", "not a backup\n");

        Log(limit: 1000, kept: 3).Write(Encoding.UTF8.GetBytes(Lines(1, 1)[0] + "\n"));

        FilesOnDisk().Should().Equal("server.log", "server.log.1", "server.log.2", "server.log.notes");
        File.ReadAllText(LogPath + ".1").Should().StartWith("yyy", "the full file moved up one");
        File.ReadAllText(LogPath + ".2").Should().Be("old 1\n");
    }

    [Fact]
    public void With_one_file_kept_a_roll_starts_the_file_anew()
    {
        var log = Log(limit: 200, kept: 1);

        WriteInBlocks(log, Lines(1, 10), perBlock: 1);

        FilesOnDisk().Should().Equal("server.log");
        var perFile = 200 / (Lines(1, 1)[0].Length + 1);
        var sinceLastRoll = 10 % perFile == 0 ? perFile : 10 % perFile;
        File.ReadAllLines(LogPath).Should().Equal(Lines(1, 10).TakeLast(sinceLastRoll),
            "the file holds what was written since its last roll, and nothing older is kept");
    }

    [Fact]
    public void A_line_longer_than_a_whole_file_goes_whole_into_a_file_of_its_own()
    {
        var log = Log(limit: 100, kept: 5);
        var longLine = new string('z', 250);

        log.Write(Encoding.UTF8.GetBytes($"short\n{longLine}\nafter\n"));

        File.ReadAllLines(LogPath + ".2").Should().Equal("short");
        File.ReadAllLines(LogPath + ".1").Should().Equal(longLine);
        File.ReadAllLines(LogPath).Should().Equal("after");
    }

    [Fact]
    public void A_folder_that_cannot_be_written_is_warned_of_once_and_the_file_is_written_again_once_it_can()
    {
        var folder = Path.Combine(_dir.Path, "logs");
        File.WriteAllText(folder, "a file where the log folder should be");
        var log = Log(limit: 1000, kept: 2, path: Path.Combine(folder, "server.log"));

        log.Write("lost 1\n"u8);
        log.Write("lost 2\n"u8);
        File.Delete(folder);
        log.Write("kept\n"u8);

        _logs.Lines.Where(l => l.Contains("Cannot write the server's output to", StringComparison.Ordinal)).Should().ContainSingle();
        _logs.Contains($"Writing the server's output to {Path.Combine(folder, "server.log")} again").Should().BeTrue(_logs.Dump());
        File.ReadAllLines(Path.Combine(folder, "server.log")).Should().Equal("kept");
    }
}
