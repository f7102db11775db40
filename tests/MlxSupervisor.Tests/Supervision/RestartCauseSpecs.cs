using FluentAssertions;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Supervision;

/// <summary>Each spawn after the first says why the server before it ended, as the metrics and the hooks tell it; on fake time.</summary>
public sealed class RestartCauseSpecs
{
    private static List<SupervisorEvent> Spawns(SupervisorHarness h) =>
        [.. h.Supervisor.Status.RecentEvents.Where(e => e.Kind is EventKinds.Started or EventKinds.SpawnFailed)];

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task The_first_spawn_replaces_nothing_and_carries_no_cause()
    {
        await using var h = new SupervisorHarness();
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);

        var first = Spawns(h).Should().ContainSingle().Which;
        first.Cause.Should().BeNull();
        first.Pid.Should().Be(h.Launcher.Started[0].Pid);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_spawn_after_a_crash_says_exited_with_the_old_pid_and_carries_the_new_one()
    {
        await using var h = new SupervisorHarness();
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);

        h.Launcher.Started[0].Exit(137);
        await h.SkipToRestartAfterSpawn(1);
        await h.WaitFor(s => s.State == SupervisorState.Running && h.Launcher.Started.Count == 2);

        var second = Spawns(h)[1];
        second.Pid.Should().Be(h.Launcher.Started[1].Pid);
        second.Cause!.Label.Should().Be(RestartCause.Exited);
        second.Cause.Message.Should().Be($"pid={h.Launcher.Started[0].Pid} exited code=137 (SIGKILL, often the system killing it for memory)");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_spawn_after_a_failed_spawn_says_spawn_failed()
    {
        await using var h = new SupervisorHarness();
        h.Launcher.FailWith = "cannot run server command 'mlx_lm.server': it was not found on PATH";
        h.Run();
        var waiting = await h.WaitFor(s => s.NextRestartAt is not null);
        h.Launcher.FailWith = null;
        h.Time.SetUtcNow(waiting.NextRestartAt!.Value);
        await h.WaitFor(s => s.State == SupervisorState.Running);

        var spawns = Spawns(h);
        spawns.Select(e => e.Kind).Should().Equal(EventKinds.SpawnFailed, EventKinds.Started);
        spawns[0].Cause.Should().BeNull("the failed spawn was the first");
        spawns[1].Cause.Should().Be(new RestartCause(RestartCause.SpawnFailed, "cannot run server command 'mlx_lm.server': it was not found on PATH"));
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_spawn_after_a_startup_timeout_says_startup_timeout()
    {
        await using var h = new SupervisorHarness(o =>
        {
            o.Health.StartupTimeout = TimeSpan.FromSeconds(2);
            o.Health.StartupProbeInterval = TimeSpan.FromSeconds(1);
        });
        h.Probe.Failure = "connection refused";
        h.Run();
        await h.AdvanceAfterEachProbe(3, h.Options.Health.StartupProbeInterval);
        h.Probe.Failure = null;
        await h.SkipToRestartAfterSpawn(1);
        await h.WaitFor(s => s.State == SupervisorState.Running);

        var cause = Spawns(h)[1].Cause!;
        cause.Label.Should().Be(RestartCause.StartupTimeout);
        cause.Message.Should().StartWith("not ready within the startup timeout of 2 s");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_spawn_after_a_restart_requested_for_a_sick_server_says_requested()
    {
        await using var h = new SupervisorHarness();
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);

        h.Supervisor.RequestRestart("memory: 3 GB above the limit of 2 GB for 3 samples");
        await h.SkipToRestartAfterSpawn(1);
        await h.WaitFor(s => s.State == SupervisorState.Running && h.Launcher.Started.Count == 2);

        Spawns(h)[1].Cause.Should().Be(new RestartCause(RestartCause.Requested, "memory: 3 GB above the limit of 2 GB for 3 samples"));
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_spawn_after_an_operators_stop_and_start_says_operator_with_the_stop_request()
    {
        await using var h = new SupervisorHarness();
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);

        h.Supervisor.RequestStop("operator stop via the status endpoint");
        await h.WaitFor(s => s.State == SupervisorState.Stopped);
        h.Supervisor.RequestStart();
        await h.WaitFor(s => s.State == SupervisorState.Running && h.Launcher.Started.Count == 2);

        Spawns(h)[1].Cause.Should().Be(new RestartCause(RestartCause.Operator, "operator stop via the status endpoint"));
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_stop_while_backing_off_leaves_the_crash_as_the_cause_of_the_next_spawn()
    {
        await using var h = new SupervisorHarness();
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);
        h.Launcher.Started[0].Exit(1);
        await h.WaitFor(s => s.State == SupervisorState.BackingOff);

        h.Supervisor.RequestStop("operator stop via the status endpoint");
        await h.WaitFor(s => s.State == SupervisorState.Stopped);
        h.Supervisor.RequestStart();
        await h.WaitFor(s => s.State == SupervisorState.Running && h.Launcher.Started.Count == 2);

        Spawns(h)[1].Cause!.Label.Should().Be(RestartCause.Exited, "the stop came after the server had already ended");
    }
}
