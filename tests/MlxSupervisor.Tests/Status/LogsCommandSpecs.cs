using System.Globalization;
using System.Text;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using MlxSupervisor.Process;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Status;

/// <summary><c>mlx-supervisor logs</c>, the real executable, on real files: as <c>supervisorctl tail -f</c> and <c>pm2 logs</c>.</summary>
public sealed class LogsCommandSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private RollingServerLog Log(string name = "server.log", long limit = 1 << 20, int kept = 3) =>
        new(Path.Combine(_dir.Path, name), limit, kept, NullLogger.Instance);

    private static void Write(RollingServerLog log, IEnumerable<string> lines) =>
        log.Write(Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n"))));

    private static List<string> Lines(string word, int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => $"2026-05-01 12:00:00.000 +00:00 [42 stdout] {word} {i:D4}")];

    private static string[] Printed(DaemonCli.Result run) => run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task It_prints_the_last_N_lines_of_the_servers_log_twenty_unless_told()
    {
        Write(Log(), Lines("line", 1, 50));

        var five = await DaemonCli.RunInAsync(_dir.Path, "logs", "-n", "5");
        var standard = await DaemonCli.RunInAsync(_dir.Path, "logs");

        five.ExitCode.Should().Be(0, five.ToString());
        Printed(five).Should().Equal(Lines("line", 46, 5));
        Printed(standard).Should().Equal(Lines("line", 31, 20));
        five.Stderr.Should().BeEmpty();
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task In_a_fleet_it_prints_the_named_servers_own_file()
    {
        var config = _dir.File("fleet.json", LogsFleet.Json);
        Write(Log("server-alpha.log"), Lines("alpha", 1, 3));
        Write(Log("server-beta.log"), Lines("beta", 1, 3));

        var beta = await DaemonCli.RunInAsync(_dir.Path, "logs", "beta", "--config", config);
        var first = await DaemonCli.RunInAsync(_dir.Path, "logs", "--config", config);

        Printed(beta).Should().Equal(Lines("beta", 1, 3));
        Printed(first).Should().Equal(Lines("alpha", 1, 3), "without a name, the first server, as the status speaks of it");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task An_unknown_server_a_missing_file_or_a_negative_count_is_one_line_and_exit_1()
    {
        var config = _dir.File("fleet.json", LogsFleet.Json);

        var unknown = await DaemonCli.RunInAsync(_dir.Path, "logs", "gamma", "--config", config);
        var missing = await DaemonCli.RunInAsync(_dir.Path, "logs", "alpha", "--config", config);
        var negative = await DaemonCli.RunInAsync(_dir.Path, "logs", "-n", "-3");

        unknown.ExitCode.Should().Be(1);
        unknown.Stderr.Should().Be("mlx-supervisor: no server is named 'gamma'; the servers are: alpha, beta.\n");
        missing.ExitCode.Should().Be(1);
        missing.Stderr.Should().Be($"mlx-supervisor: server 'alpha' has no log yet: {Path.Combine(_dir.Path, "server-alpha.log")} does not exist (MLXSUP_LOG_DIR sets the folder).\n");
        negative.ExitCode.Should().Be(1);
        negative.Stderr.Should().Be("mlx-supervisor: -n takes a number of lines, 0 or more; '-3' is not one.\n");
        new[] { unknown, missing, negative }.Should().OnlyContain(r => r.Stdout.Length == 0);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Following_prints_each_new_line_once_across_rolls_until_Ctrl_C()
    {
        var log = Log(limit: 1000, kept: 10); // 56 bytes a line: a roll every 17 lines, and three of them between two looks
        Write(log, Lines("before", 1, 5));
        await using var follow = new DaemonProcess(["logs", "-f", "-n", "1"], logDirectory: _dir.Path);
        await follow.WaitForLine("before 0005");

        var lines = Lines("after", 1, 60);
        foreach (var block in lines.Chunk(7))
            Write(log, block);
        await follow.WaitForLine("after 0060", Timeouts.Wait);
        follow.Signal(Signals.SIGINT);

        (await follow.WaitForExit(Timeouts.Wait)).Should().Be(130, "Ctrl+C ends it as it ends tail -f: 128 + SIGINT; " + follow.Dump());
        File.Exists(Path.Combine(_dir.Path, "server.log.3")).Should().BeTrue("the file rolled three times while it was followed");
        follow.Stdout.Should().Equal(Lines("before", 5, 1).Concat(lines), "every line once, in order, none lost at a roll");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_daemon_writes_its_servers_output_to_server_log_and_not_to_its_own_log()
    {
        var port = FreePort.Next();
        var config = DaemonRun.WriteConfig(_dir, port, Path.Combine(_dir.Path, "state"), []);
        var logs = Path.Combine(_dir.Path, "logs");
        await using (var daemon = new DaemonProcess(["--config", config], logDirectory: logs))
        {
            var started = DaemonProcess.PidIn(await daemon.WaitForLine("Started pid="));
            await daemon.WaitForLine("healthy after");

            var run = await DaemonCli.RunInAsync(logs, "logs", "-n", "100", "--config", config);

            run.ExitCode.Should().Be(0, run.ToString());
            Printed(run).Should().Contain(l => l.Contains($" [{started.ToString(CultureInfo.InvariantCulture)} ", StringComparison.Ordinal) && l.Contains("] sim: listening on ", StringComparison.Ordinal), run.ToString());
            daemon.Lines.Should().NotContain(l => l.Contains("sim: listening", StringComparison.Ordinal), "the daemon's console carries none of the server's lines");
        }
        Directory.GetFiles(logs, "mlx-supervisor-*.log").Select(File.ReadAllText).Should().ContainSingle()
            .Which.Should().Contain("Started pid=").And.NotContain("sim: listening", "nor does the daemon's own log file");
    }
}
