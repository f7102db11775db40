using FluentAssertions;
using MlxSupervisor.Configuration;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Supervision;

/// <summary>Restart:Policy, as Kubernetes' restartPolicy, and the stops the fleet asks for; on fake time.</summary>
public sealed class RestartPolicySpecs
{
    private static async Task<SupervisorHarness> RunningWith(RestartPolicy policy)
    {
        var h = new SupervisorHarness(o => o.Restart.Policy = policy);
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);
        return h;
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task With_OnFailure_a_clean_exit_leaves_the_server_stopped_and_is_not_a_failure()
    {
        await using var h = await RunningWith(RestartPolicy.OnFailure);

        h.Launcher.Started[0].Exit(0);
        var stopped = await h.WaitFor(s => s.State == SupervisorState.Stopped);
        h.Time.Advance(TimeSpan.FromHours(1));

        stopped.Reason.Should().Be("exited code=0; Restart:Policy is OnFailure, so a clean exit leaves it stopped");
        stopped.StoppedFor!.Kind.Should().Be(StopKind.Policy);
        stopped.StoppedFor.StartsOnDemand.Should().BeFalse();
        h.Current.ConsecutiveFailures.Should().Be(0);
        h.Launcher.Started.Should().ContainSingle();
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task With_OnFailure_a_crash_is_restarted_with_backoff()
    {
        await using var h = await RunningWith(RestartPolicy.OnFailure);

        h.Launcher.Started[0].Exit(1);
        var backingOff = await h.SkipToRestartAfterSpawn(1);
        await h.WaitFor(_ => h.Launcher.Started.Count == 2);

        backingOff.State.Should().Be(SupervisorState.BackingOff);
        backingOff.ConsecutiveFailures.Should().Be(1);
    }

    [Theory(Timeout = Timeouts.UnitTestMs)]
    [InlineData(0)]
    [InlineData(137)]
    public async Task With_Never_any_exit_leaves_the_server_stopped_until_an_operator_starts_it(int code)
    {
        await using var h = await RunningWith(RestartPolicy.Never);

        h.Launcher.Started[0].Exit(code);
        var stopped = await h.WaitFor(s => s.State == SupervisorState.Stopped);
        h.Time.Advance(TimeSpan.FromHours(1));
        h.Launcher.Started.Should().ContainSingle();
        h.Supervisor.RequestStart();
        await h.WaitFor(s => s.State == SupervisorState.Running && h.Launcher.Started.Count == 2);

        stopped.Reason.Should().EndWith("; Restart:Policy is Never, so it stays stopped");
        stopped.LastExit!.Code.Should().Be(code);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task With_Never_a_server_declared_dead_also_stays_stopped()
    {
        await using var h = await RunningWith(RestartPolicy.Never);

        h.Launcher.Started[0].PrintFatal("Exception in thread Thread-1 (_generate):");
        var stopped = await h.WaitFor(s => s.State == SupervisorState.Stopped);

        stopped.Reason.Should().StartWith("declared dead: the generation thread died").And.EndWith("Restart:Policy is Never, so it stays stopped");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task With_Never_an_operators_restart_still_brings_a_new_server()
    {
        await using var h = await RunningWith(RestartPolicy.Never);

        h.Supervisor.RequestOperatorRestart("operator restart");
        await h.WaitFor(s => s.State == SupervisorState.Running && h.Launcher.Started.Count == 2);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_server_held_until_started_spawns_nothing_until_its_first_request_and_says_so()
    {
        await using var h = new SupervisorHarness();
        h.Supervisor.HoldUntilStarted("not started: it starts on the first request for its models");
        h.Run();

        var waiting = await h.WaitFor(s => s.State == SupervisorState.Stopped);
        h.Launcher.Started.Should().BeEmpty();
        h.Supervisor.RequestStart();
        await h.WaitFor(s => s.State == SupervisorState.Running);

        waiting.StoppedFor!.StartsOnDemand.Should().BeTrue();
        waiting.Reason.Should().Be("not started: it starts on the first request for its models");
        h.Launcher.Started.Should().ContainSingle();
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_server_stopped_for_being_idle_is_started_again_with_an_on_demand_cause_and_no_failure()
    {
        await using var h = await RunningWith(RestartPolicy.Always);

        h.Supervisor.RequestStop(new StopReason(StopKind.Idle, "idle for 10 min"));
        var idle = await h.WaitFor(s => s.State == SupervisorState.Stopped);
        h.Supervisor.RequestStart();
        await h.WaitFor(s => s.State == SupervisorState.Running && h.Launcher.Started.Count == 2);

        idle.Reason.Should().Be("idle for 10 min");
        idle.LastExit!.Reason.Should().Be("idle for 10 min");
        idle.ConsecutiveFailures.Should().Be(0);
        h.Supervisor.Status.RecentEvents.Last(e => e.Kind == EventKinds.Started).Cause!.Label.Should().Be(RestartCause.OnDemand);
    }
}

/// <summary>Restart:Policy with the real simulated server exiting on its own.</summary>
public sealed class RestartPolicyProcessSpecs
{
    [Theory(Timeout = Timeouts.ProcessTestMs)]
    [InlineData(RestartPolicy.OnFailure, 0, "Restart:Policy is OnFailure, so a clean exit leaves it stopped")]
    [InlineData(RestartPolicy.Never, 1, "Restart:Policy is Never, so it stays stopped")]
    public async Task A_server_that_exits_is_left_stopped_as_its_policy_says(RestartPolicy policy, int code, string why)
    {
        await using var supervisor = new RealSupervisor(["--crash-after-ms", "300", "--exit-code", code.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            o => o.Restart.Policy = policy);
        supervisor.Run();

        var stopped = await supervisor.WaitFor(s => s.State == SupervisorState.Stopped && s.StoppedFor is not null);

        stopped.Reason.Should().EndWith(why);
        stopped.LastExit!.Code.Should().Be(code);
        supervisor.Launcher.Started.Should().ContainSingle();
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task With_OnFailure_a_server_that_crashes_is_restarted()
    {
        await using var supervisor = new RealSupervisor(["--crash-after-ms", "300", "--exit-code", "3"], o => o.Restart.Policy = RestartPolicy.OnFailure);
        supervisor.Run();

        await supervisor.WaitFor(_ => supervisor.Launcher.Started.Count >= 2);
    }
}
