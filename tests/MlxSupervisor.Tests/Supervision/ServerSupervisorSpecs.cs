using FluentAssertions;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Supervision;

/// <summary>The state machine on fake time: no real process, no real waiting.</summary>
public sealed class ServerSupervisorSpecs
{
    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_server_that_dies_at_once_is_started_at_0_2_6_14_30_62_then_not_until_122()
    {
        await using var h = new SupervisorHarness();
        h.Launcher.OnStart = p => p.Exit(1);
        h.Run();

        var waits = new List<SupervisorSnapshot>();
        for (var spawns = 1; spawns <= 8; spawns++)
            waits.Add(await h.SkipToRestartAfterSpawn(spawns));
        await h.WaitFor(_ => h.Launcher.Started.Count == 9);

        h.Launcher.Started.Select(p => h.SecondsSinceStart(p.StartedAt)).Should().Equal(0, 2, 6, 14, 30, 62, 122, 182, 242);
        waits.Select(w => w.State).Should().Equal(
            SupervisorState.BackingOff, SupervisorState.BackingOff, SupervisorState.BackingOff, SupervisorState.BackingOff,
            SupervisorState.BackingOff, SupervisorState.CircuitOpen, SupervisorState.CircuitOpen, SupervisorState.CircuitOpen);
        waits[5].CircuitReopensAt.Should().Be(h.Start.AddSeconds(122), "the fifth failed restart opens the circuit for the 60 s break");
        waits[6].Circuit.Should().Be("Open", "the failed half-open trial opens it again");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_server_that_fails_three_probes_in_a_row_is_declared_dead_stopped_and_restarted_after_the_initial_delay()
    {
        await using var h = new SupervisorHarness();
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);

        h.Probe.Failure = "timeout after 5 s";
        for (var strike = 1; strike <= 2; strike++)
        {
            h.Time.Advance(h.Options.Health.Interval);
            var unhealthy = await h.WaitFor(s => s.Health.Strikes == strike);
            unhealthy.State.Should().Be(SupervisorState.Unhealthy);
        }
        h.Launcher.Started[0].StopCalls.Should().Be(0, "two strikes are not enough");
        h.Time.Advance(h.Options.Health.Interval);
        var backingOff = await h.WaitFor(s => s.NextRestartAt is not null);

        h.Launcher.Started[0].StopCalls.Should().Be(1);
        backingOff.State.Should().Be(SupervisorState.BackingOff);
        backingOff.LastExit!.Reason.Should().Be("declared dead after 3 failed probes (timeout after 5 s)");
        (backingOff.NextRestartAt!.Value - h.Time.GetUtcNow()).Should().Be(TimeSpan.FromSeconds(2));
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_hung_server_is_declared_dead_three_intervals_and_one_timeout_after_its_last_answer()
    {
        await using var h = new SupervisorHarness();
        h.Run();
        var running = await h.WaitFor(s => s.State == SupervisorState.Running);
        var lastAnswer = h.Time.GetUtcNow();
        var (interval, timeout) = (h.Options.Health.Interval, h.Options.Health.Timeout);
        h.Probe.Hangs = true;
        var probesBefore = h.Probe.Probes;

        for (var strike = 1; strike <= 3; strike++)
        {
            // To the next tick, then through the probe's timeout. A probe that has not begun by the tick fails the wait.
            h.Time.SetUtcNow(lastAnswer + interval * strike);
            await h.WaitFor(_ => h.Probe.Probes == probesBefore + strike);
            h.Time.Advance(timeout);
            await h.WaitFor(s => s.Health.Strikes == strike || s.State == SupervisorState.Stopping || s.NextRestartAt is not null);
        }
        await h.WaitFor(s => s.NextRestartAt is not null);

        h.Probe.StartedAt.Skip(probesBefore).Should().Equal(
            [lastAnswer + interval, lastAnswer + interval * 2, lastAnswer + interval * 3],
            "each probe starts on its tick, not Interval after the last one timed out");
        h.Supervisor.Status.RecentEvents.Single(e => e.Kind == EventKinds.DeclaredDead).At
            .Should().Be(lastAnswer + interval * 3 + timeout, "3 × 10 s + 5 s at the defaults");
        running.Pid.Should().Be(h.Launcher.Started[0].Pid);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_healthy_probe_between_failures_clears_the_strikes()
    {
        await using var h = new SupervisorHarness();
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);

        h.Probe.Failure = "HTTP 503";
        h.Time.Advance(h.Options.Health.Interval);
        await h.WaitFor(s => s.Health.Strikes == 1);
        h.Time.Advance(h.Options.Health.Interval);
        await h.WaitFor(s => s.Health.Strikes == 2);
        h.Probe.Failure = null;
        h.Time.Advance(h.Options.Health.Interval);
        var recovered = await h.WaitFor(s => s.Health.Strikes == 0);

        recovered.State.Should().Be(SupervisorState.Running);
        h.Probe.Failure = "HTTP 503";
        h.Time.Advance(h.Options.Health.Interval);
        h.Time.Advance(h.Options.Health.Interval);
        (await h.WaitFor(s => s.Health.Strikes == 2)).State.Should().Be(SupervisorState.Unhealthy, "two new strikes are not three");
        h.Launcher.Started.Should().ContainSingle();
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task Failed_probes_while_the_model_loads_are_not_strikes()
    {
        await using var h = new SupervisorHarness();
        h.Probe.Failure = "connection refused";
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Starting && s.Pid is not null);

        for (var i = 0; i < 10; i++)
        {
            h.Time.Advance(h.Options.Health.StartupProbeInterval);
            var expected = i + 2;
            await h.WaitFor(_ => h.Probe.Probes >= expected);
        }

        h.Current.State.Should().Be(SupervisorState.Starting);
        h.Current.Health.Strikes.Should().Be(0);
        h.Launcher.Started.Should().ContainSingle().Which.StopCalls.Should().Be(0);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_server_not_healthy_within_the_startup_timeout_is_stopped_and_counts_as_a_failed_start()
    {
        await using var h = new SupervisorHarness(o =>
        {
            o.Health.StartupTimeout = TimeSpan.FromSeconds(5);
            o.Health.StartupProbeInterval = TimeSpan.FromSeconds(1);
        });
        h.Probe.Failure = "connection refused";
        h.Run();

        await h.AdvanceAfterEachProbe(6, h.Options.Health.StartupProbeInterval);
        var backingOff = await h.WaitFor(s => s.NextRestartAt is not null);

        backingOff.LastExit!.Reason.Should().StartWith("not ready within the startup timeout of 5 s");
        h.Launcher.Started[0].StopCalls.Should().Be(1);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_server_that_stayed_healthy_for_ResetAfter_is_restarted_after_the_initial_delay_again()
    {
        await using var h = new SupervisorHarness();
        h.Launcher.OnStart = p =>
        {
            if (h.Launcher.Started.Count <= 3)
                p.Exit(1);
        };
        h.Run();
        for (var spawns = 1; spawns <= 3; spawns++)
            await h.SkipToRestartAfterSpawn(spawns);
        await h.WaitFor(s => s.State == SupervisorState.Running);

        h.Time.Advance(h.Options.Restart.ResetAfter);
        await h.WaitFor(s => s.ConsecutiveFailures == 0 || h.Supervisor.Status.RecentEvents.Any(e => e.Kind == "stable"));
        h.Launcher.Started[3].Exit(137);
        var backingOff = await h.WaitFor(s => s.NextRestartAt is not null);

        (backingOff.NextRestartAt!.Value - h.Time.GetUtcNow()).Should().Be(TimeSpan.FromSeconds(2));
        backingOff.LastExit!.Signal.Should().Be("SIGKILL");
        backingOff.Restarts.Should().Be(3);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task The_backoff_counts_from_the_exit_so_the_cleanup_after_it_does_not_make_the_restart_late()
    {
        await using var h = new SupervisorHarness();
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);
        var exit = h.Time.GetUtcNow();
        h.Time.Advance(TimeSpan.FromMilliseconds(300)); // what reading its last words and freeing the port took

        h.Launcher.Started[0].ExitedAt(1, exit);
        var backingOff = await h.WaitFor(s => s.NextRestartAt is not null);

        backingOff.NextRestartAt.Should().Be(exit + TimeSpan.FromSeconds(2), "the initial delay runs from the exit");
        backingOff.LastExit!.At.Should().Be(exit);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_cleanup_longer_than_the_delay_restarts_at_once_and_still_says_the_schedules_wait()
    {
        await using var h = new SupervisorHarness();
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);
        var exit = h.Time.GetUtcNow();
        h.Time.Advance(TimeSpan.FromSeconds(3)); // longer than the 2 s initial delay

        h.Launcher.Started[0].ExitedAt(1, exit);
        await h.Until(() => h.Launcher.Started.Count == 2);

        h.Launcher.Started[1].StartedAt.Should().Be(h.Time.GetUtcNow(), "the delay had already run out: no fake time passed");
        h.Supervisor.Status.RecentEvents.Should().Contain(e => e.Kind == EventKinds.State && e.Message == "BackingOff: restart 1 in 2 s",
            "the wait the schedule gives, not the cleanup's length");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_spawn_that_fails_after_a_life_backs_off_from_its_own_failure_not_from_the_exit_before_it()
    {
        await using var h = new SupervisorHarness();
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);
        h.Launcher.FailWith = "cannot run server command mlx_lm.server: not found on PATH";
        h.Launcher.Started[0].Exit(1);
        var first = await h.WaitFor(s => s.NextRestartAt is not null);
        h.Time.SetUtcNow(first.NextRestartAt!.Value);

        var second = await h.WaitFor(s => s.NextRestartAt is not null && s.ConsecutiveFailures == 2);

        (second.NextRestartAt!.Value - h.Time.GetUtcNow()).Should().Be(TimeSpan.FromSeconds(4));
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_half_open_trial_that_stays_healthy_closes_the_circuit()
    {
        await using var h = new SupervisorHarness();
        h.Launcher.OnStart = p =>
        {
            if (h.Launcher.Started.Count <= 6)
                p.Exit(1);
        };
        h.Run();
        for (var spawns = 1; spawns <= 6; spawns++)
            await h.SkipToRestartAfterSpawn(spawns);
        await h.WaitFor(s => s.State == SupervisorState.Running);
        h.Current.Circuit.Should().Be("HalfOpen");

        h.Time.Advance(h.Options.Restart.ResetAfter);
        var closed = await h.WaitFor(s => s.Circuit == "Closed");

        closed.CircuitReopensAt.Should().BeNull();
        h.Supervisor.Status.RecentEvents.Select(e => e.Kind).Should().ContainInOrder("circuit-open", "circuit-half-open", "circuit-closed");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_command_that_cannot_be_run_counts_as_a_failed_start_and_backs_off_instead_of_looping()
    {
        await using var h = new SupervisorHarness();
        h.Launcher.FailWith = "cannot run server command 'mlx_lm.server' was not found on PATH (/usr/bin:/bin)";
        h.Run();

        var first = await h.WaitFor(s => s.NextRestartAt is not null);
        (first.NextRestartAt!.Value - h.Time.GetUtcNow()).Should().Be(TimeSpan.FromSeconds(2));
        h.Time.SetUtcNow(first.NextRestartAt!.Value);
        var second = await h.WaitFor(s => s.NextRestartAt is not null && s.ConsecutiveFailures == 2);

        (second.NextRestartAt!.Value - h.Time.GetUtcNow()).Should().Be(TimeSpan.FromSeconds(4));
        h.Supervisor.Status.RecentEvents.Where(e => e.Kind == "spawn-failed").Should().HaveCount(2)
            .And.AllSatisfy(e => e.Message.Should().Contain("'mlx_lm.server' was not found"));
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task Stopping_the_supervisor_stops_the_server_and_ends_in_Stopped()
    {
        var h = new SupervisorHarness();
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);

        await h.DisposeAsync();

        h.Current.State.Should().Be(SupervisorState.Stopped);
        h.Launcher.Started.Single().StopCalls.Should().Be(1);
        h.Current.LastExit!.Reason.Should().Be("daemon shutting down");
    }
}
