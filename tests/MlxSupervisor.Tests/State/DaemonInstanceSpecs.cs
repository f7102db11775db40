using FluentAssertions;
using MlxSupervisor.Daemon;
using MlxSupervisor.Process;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.State;

/// <summary>The real daemon apphost: one instance per state directory, and what a SIGKILLed daemon leaves behind.</summary>
public sealed class DaemonInstanceSpecs
{
    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_second_daemon_with_the_same_state_directory_exits_75_at_once_with_one_clear_line()
    {
        using var dir = new TempDirectory();
        var tag = Guid.NewGuid().ToString("N");
        var config = DaemonRun.WriteConfig(dir, FreePort.Next(), Path.Combine(dir.Path, "state"), []);
        try
        {
            await using var first = DaemonRun.Start(config, Path.Combine(dir.Path, "logs"), tag);
            await first.WaitForLine("healthy after");

            await using var second = DaemonRun.Start(config, Path.Combine(dir.Path, "logs2"), tag);
            var code = await second.WaitForExit(TimeSpan.FromSeconds(30));

            code.Should().Be(ExitCodes.AlreadyRunning);
            second.Lines.Should().ContainSingle().Which.Should()
                .Be($"mlx-supervisor: another daemon (pid {first.Pid}) is already running with the state directory {Path.Combine(dir.Path, "state")}; exiting");
            first.HasExited.Should().BeFalse();
        }
        finally
        {
            DaemonRun.KillTagged(tag).Should().BeEmpty("no process may outlive the test");
        }
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_daemon_started_after_a_SIGKILLed_one_stops_the_old_server_with_SIGTERM_and_runs_exactly_one()
    {
        using var dir = new TempDirectory();
        var tag = Guid.NewGuid().ToString("N");
        var port = FreePort.Next();
        // A long grace period: if the old server is gone well within it, SIGTERM did it, since SIGKILL only comes after.
        var config = DaemonRun.WriteConfig(dir, port, Path.Combine(dir.Path, "state"), ["--spawn-helper"], grace: "00:00:30");
        try
        {
            await using var first = DaemonRun.Start(config, Path.Combine(dir.Path, "logs"), tag);
            var oldServer = DaemonProcess.PidIn(await first.WaitForLine("healthy after"));
            var oldGroup = ProcessAssert.LiveGroupMembers(oldServer);
            oldGroup.Should().HaveCount(2, "the server and its helper");

            first.Signal(Signals.SIGKILL);
            await first.WaitForExit(TimeSpan.FromSeconds(10));
            ProcessAssert.IsAlive(oldServer).Should().BeTrue("a SIGKILLed daemon cannot stop its server: the server is orphaned");

            await using var second = DaemonRun.Start(config, Path.Combine(dir.Path, "logs2"), tag);
            await second.WaitForLine($"Server pid={oldServer} started by a previous daemon");
            var stopped = await second.WaitForLine($"Server pid={oldServer} left by the previous daemon stopped after");
            var newServer = DaemonProcess.PidIn(await second.WaitForLine("healthy after"));

            stopped.Should().Contain("after SIGTERM");
            oldGroup.Should().OnlyContain(pid => !ProcessAssert.IsAlive(pid), "the old server and its helper are gone");
            newServer.Should().NotBe(oldServer);
            var servers = DaemonRun.TaggedProcesses(tag).Where(pid => pid != second.Pid && ProcessAssert.LiveGroupMembers(pid).Count > 0).ToList();
            servers.Should().Equal([newServer], "exactly one server runs");
            DaemonRun.TaggedProcesses(tag).Except([second.Pid]).Should().OnlyContain(pid => ProcStat.TryRead(pid)!.Value.GroupId == newServer,
                "everything else left is the new server's helper");
        }
        finally
        {
            DaemonRun.KillTagged(tag).Should().BeEmpty("no process may outlive the test");
        }
    }

}
