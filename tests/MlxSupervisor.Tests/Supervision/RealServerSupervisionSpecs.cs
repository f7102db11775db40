using FluentAssertions;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Supervision;

/// <summary>The supervisor against the real simulated server on loopback, with millisecond-scale settings.</summary>
public sealed class RealServerSupervisionSpecs
{
    // Counted by the launcher: the status keeps only the last 50 events, and a crash loop scrolls the first spawns out.
    private static int Started(RealSupervisor s) => s.Launcher.Started.Count;

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_that_crashes_is_restarted_after_the_initial_delay()
    {
        await using var s = new RealSupervisor(["--crash-after-ms", "400", "--exit-code", "3"], o =>
        {
            o.Restart.InitialDelay = TimeSpan.FromMilliseconds(300);
            o.Restart.MaxDelay = TimeSpan.FromSeconds(1);
        });
        s.Run();

        await s.WaitFor(_ => Started(s) >= 2);

        var exited = s.Events.First(e => e.Kind == "exited");
        var restarted = s.Events.Where(e => e.Kind == "started").ElementAt(1);
        (restarted.At - exited.At).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300));
        exited.Message.Should().Contain("exited code=3");
        s.Supervisor.Status.Current.LastExit!.Code.Should().Be(3);
        s.Logs.Lines.Should().Contain(l => l.StartsWith("[Warning] Last ", StringComparison.Ordinal) && l.Contains("sim: crashing with exit code 3", StringComparison.Ordinal),
            "the last stderr lines of a crashed server are logged");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_servers_lines_go_to_its_own_log_and_the_daemons_log_keeps_only_the_stderr_tail_of_a_crash()
    {
        await using var s = new RealSupervisor(["--crash-after-ms", "400", "--exit-code", "3"], o => o.Restart.InitialDelay = TimeSpan.FromSeconds(5));
        s.Run();

        await s.WaitFor(x => x.State == SupervisorState.BackingOff);

        var listening = await s.ServerLog.WaitFor("sim: listening");
        listening.Should().MatchRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d \[\d+ std(out|err)\] sim: listening");
        (await s.ServerLog.WaitFor("sim: crashing with exit code 3")).Should().Contain(" stderr] ");
        s.Logs.Lines.Should().NotContain(l => l.Contains("sim: listening", StringComparison.Ordinal), "the daemon's log has no line of the server's own");
        s.Logs.Lines.Where(l => l.Contains("sim: crashing", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().StartWith("[Warning] Last ", "only the crash report quotes what the server said");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_whose_health_hangs_gets_three_strikes_and_is_restarted()
    {
        await using var s = new RealSupervisor(["--hang-health-after-ms", "1500"]);
        s.Run();

        await s.WaitFor(_ => Started(s) >= 2);

        var strikes = s.Logs.Lines.Where(l => l.Contains("Strike ", StringComparison.Ordinal)).Take(3).ToList();
        strikes.Should().HaveCount(3);
        strikes[0].Should().Contain("Strike 1/3 (timeout after 0.2 s)");
        strikes[2].Should().Contain("Strike 3/3");
        s.Events.Should().Contain(e => e.Kind == "declared-dead" && e.Message.Contains("timeout", StringComparison.Ordinal));
        s.Logs.Contains("stopped after SIGTERM").Should().BeTrue("a hung server that still obeys SIGTERM is stopped gracefully");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_that_answers_503_is_declared_dead()
    {
        await using var s = new RealSupervisor(["--health-status", "503", "--health-status-after-ms", "1500"]);
        s.Run();

        var dead = await s.WaitFor(x => x.LastExit is not null);

        dead.LastExit!.Reason.Should().Be("declared dead after 3 failed probes (HTTP 503)");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_that_ignores_SIGTERM_is_SIGKILLed_after_the_grace_period_when_the_daemon_stops()
    {
        await using var s = new RealSupervisor(["--ignore-sigterm"], o => o.Shutdown.GracePeriod = TimeSpan.FromMilliseconds(800));
        s.Run();
        var running = await s.WaitFor(x => x.State == SupervisorState.Running);

        var started = DateTime.UtcNow;
        await s.StopAsync();

        (DateTime.UtcNow - started).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(800));
        s.Logs.Contains($"Server pid={running.Pid} ignored SIGTERM for the 0.8 s grace period; SIGKILL sent, exited code=137").Should().BeTrue(s.Logs.Dump());
        ProcessAssert.IsAlive(running.Pid!.Value).Should().BeFalse();
        s.Supervisor.Status.Current.State.Should().Be(SupervisorState.Stopped);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_helper_a_crashed_server_started_is_gone_before_the_replacement_starts()
    {
        await using var s = new RealSupervisor(["--spawn-helper", "--crash-after-ms", "500"]);
        s.Run();
        await s.WaitFor(_ => Started(s) >= 2);

        var helpers = s.ServerLog.Lines.Where(l => l.Contains("sim: helper pid=", StringComparison.Ordinal))
            .Select(l => int.Parse(l[(l.LastIndexOf('=') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        helpers.Should().NotBeEmpty();
        ProcessAssert.IsAlive(helpers[0]).Should().BeFalse("the first server's helper was stopped before the second server started");
        s.Logs.Contains("Stopped the processes server pid=").Should().BeTrue(s.Logs.Dump());
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_daemon_stopping_stops_the_server_and_its_helper_and_leaves_nothing()
    {
        await using var s = new RealSupervisor(["--spawn-helper"]);
        s.Run();
        var running = await s.WaitFor(x => x.State == SupervisorState.Running);

        await s.StopAsync();

        ProcessAssert.LiveGroupMembers(running.Pid!.Value).Should().BeEmpty();
        s.Logs.Contains($"Server pid={running.Pid} stopped after SIGTERM: exited code=0").Should().BeTrue(s.Logs.Dump());
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_crash_loop_opens_the_circuit_after_five_failed_restarts_and_half_opens_after_the_break()
    {
        await using var s = new RealSupervisor(["--crash-after-ms", "0"], o =>
        {
            o.Restart.InitialDelay = TimeSpan.FromMilliseconds(20);
            o.Restart.MaxDelay = TimeSpan.FromMilliseconds(160);
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(2);
        });
        s.Run();

        var open = await s.WaitFor(x => x.State == SupervisorState.CircuitOpen);
        Started(s).Should().Be(6, "the first start and five failed restarts");
        var opened = s.Events.First(e => e.Kind == "circuit-open");
        (open.CircuitReopensAt!.Value - opened.At).Should().BeCloseTo(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(50));

        await s.WaitFor(_ => Started(s) == 7, TimeSpan.FromSeconds(20));
        var trial = s.Events.Where(e => e.Kind == "started").Last();
        (trial.At - opened.At).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2), "nothing is spawned during the break");
        s.Events.Should().Contain(e => e.Kind == "circuit-half-open");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_command_that_does_not_exist_is_named_in_the_log_and_retried_with_backoff_not_in_a_busy_loop()
    {
        await using var s = new RealSupervisor([], o =>
        {
            o.Server.Command = "mlx_lm.server-not-installed";
            o.Restart.InitialDelay = TimeSpan.FromMilliseconds(100);
            o.Restart.MaxDelay = TimeSpan.FromMilliseconds(400);
        });
        s.Run();

        await s.WaitFor(x => x.ConsecutiveFailures >= 3);

        s.Logs.Contains("Start failed: cannot run server command 'mlx_lm.server-not-installed' was not found on PATH").Should().BeTrue(s.Logs.Dump());
        var failures = s.Events.Where(e => e.Kind == "spawn-failed").Select(e => e.At).ToList();
        // Timers may fire up to a clock tick early, hence the few milliseconds of slack below each delay.
        var slack = TimeSpan.FromMilliseconds(5);
        failures.Zip(failures.Skip(1), (a, b) => b - a).Should().OnlyContain(gap => gap >= TimeSpan.FromMilliseconds(100) - slack,
            "each failed start waits for its delay; a busy loop would not");
        (failures[2] - failures[1]).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(200) - slack, "the delay doubles");
        s.Launcher.Started.Should().BeEmpty();
    }
}
