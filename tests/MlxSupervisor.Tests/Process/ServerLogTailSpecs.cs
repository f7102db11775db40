using System.Text;
using CliWrap;
using CliWrap.Buffered;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using MlxSupervisor.Process;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Process;

/// <summary>Reading a server's log file as <c>tail -F</c> does: the last lines, then what is added, across rolls.</summary>
public sealed class ServerLogTailSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string LogPath => Path.Combine(_dir.Path, "server.log");

    private RollingServerLog Log(long limit = 1 << 20, int kept = 5) => new(LogPath, limit, kept, NullLogger.Instance);

    private static void Write(RollingServerLog log, IEnumerable<string> lines) =>
        log.Write(Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n"))));

    private static List<string> Lines(int from, int count) => [.. Enumerable.Range(from, count).Select(i => $"line {i:D4} {new string('x', 30)}")];

    private static List<string> Printed(MemoryStream output) => [.. Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    [Fact]
    public void The_last_lines_are_printed_and_taken_from_the_rolled_files_when_the_current_one_holds_fewer()
    {
        var log = Log(limit: 400, kept: 4); // 42 bytes a line: 9 lines a file
        Write(log, Lines(1, 30));
        using var tail = ServerLogTail.Open(LogPath)!;
        var (last5, last20, all) = (new MemoryStream(), new MemoryStream(), new MemoryStream());

        tail.CopyLast(5, last5);
        tail.CopyLast(20, last20);
        tail.CopyLast(1000, all);

        File.ReadAllLines(LogPath).Should().HaveCountLessThan(5, "the current file holds only what came after the last roll");
        Printed(last5).Should().Equal(Lines(26, 5));
        Printed(last20).Should().Equal(Lines(11, 20));
        Printed(all).Should().Equal(Lines(31 - Printed(all).Count, Printed(all).Count), "as many as the kept files hold, oldest first");
        Printed(all).Count.Should().BeGreaterThan(20);
    }

    [Fact]
    public void No_lines_asked_prints_none_and_a_short_file_prints_whole()
    {
        Write(Log(), Lines(1, 3));
        using var tail = ServerLogTail.Open(LogPath)!;
        var (none, some) = (new MemoryStream(), new MemoryStream());

        tail.CopyLast(0, none);
        tail.CopyLast(20, some);

        none.Length.Should().Be(0);
        Printed(some).Should().Equal(Lines(1, 3));
    }

    [Fact]
    public void A_missing_file_is_not_opened()
    {
        ServerLogTail.Open(LogPath).Should().BeNull();
    }

    [Fact]
    public void Following_prints_each_line_added_once_on_into_the_new_file_after_a_roll()
    {
        var log = Log(limit: 400, kept: 3);
        Write(log, Lines(1, 2));
        using var tail = ServerLogTail.Open(LogPath)!;
        var output = new MemoryStream();
        tail.CopyLast(1, output);

        Write(log, Lines(3, 4));
        tail.CopyNew(output);
        // Fills the file, and the next lines roll it: the end of the old file is not yet read when the new one begins.
        Write(log, Lines(7, 5));
        Write(log, Lines(12, 6));
        File.Exists(LogPath + ".1").Should().BeTrue("the file rolled while the tail was not reading");
        var copies = 0;
        while (tail.CopyNew(output) > 0)
            copies++;

        Printed(output).Should().Equal(Lines(2, 16), "every line once, in order: the rest of the old file, then the new one");
        copies.Should().BeInRange(1, 2);
        tail.CopyNew(output).Should().Be(0, "nothing is printed twice");
    }

    [Fact]
    public void Following_a_file_that_rolled_several_times_between_two_looks_reads_the_files_in_between_too()
    {
        var log = Log(limit: 400, kept: 6); // 9 lines a file
        Write(log, Lines(1, 3));
        using var tail = ServerLogTail.Open(LogPath)!;
        var output = new MemoryStream();

        foreach (var block in Lines(4, 40).Chunk(5))
            Write(log, block);
        File.Exists(LogPath + ".4").Should().BeTrue("four rolls came before the tail looked again");
        while (tail.CopyNew(output) > 0)
        {
        }

        Printed(output).Should().Equal(Lines(4, 40));
    }

    [Fact]
    public void Following_a_file_rolled_while_just_one_file_is_kept_goes_on_in_the_new_file()
    {
        var log = Log(limit: 200, kept: 1); // the roll deletes the old file, and the new one has its name
        Write(log, Lines(1, 4));
        using var tail = ServerLogTail.Open(LogPath)!;
        var output = new MemoryStream();

        Write(log, Lines(5, 3));
        while (tail.CopyNew(output) > 0)
        {
        }

        Printed(output).Should().Equal(Lines(5, 3));
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task The_inode_tells_a_renamed_file_from_a_new_one_under_the_old_name()
    {
        File.WriteAllText(LogPath, "old\n");
        using var old = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var before = NativeMethods.Inode(old.SafeFileHandle);
        File.Move(LogPath, LogPath + ".1");
        File.WriteAllText(LogPath, "new\n");
        using var renamed = new FileStream(LogPath + ".1", FileMode.Open, FileAccess.Read);
        using var fresh = new FileStream(LogPath, FileMode.Open, FileAccess.Read);

        before.Should().NotBeNull("this machine is Linux on x86-64 or arm64");
        NativeMethods.Inode(renamed.SafeFileHandle).Should().Be(before);
        NativeMethods.Inode(fresh.SafeFileHandle).Should().NotBe(before);
        var stat = await Cli.Wrap("stat").WithArguments(["-c", "%i", LogPath + ".1"]).ExecuteBufferedAsync();
        before.Should().Be(ulong.Parse(stat.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture), "it is the number the kernel gives");
    }
}
