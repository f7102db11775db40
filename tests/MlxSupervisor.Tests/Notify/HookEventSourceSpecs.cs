using System.Collections.Concurrent;
using FluentAssertions;
using MlxSupervisor.Notify;
using MlxSupervisor.Status;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Notify;

/// <summary>Which supervisor events become hook events, and what they say; on fake time.</summary>
public sealed class HookEventSourceSpecs
{
    private static ConcurrentQueue<HookEvent> Listen(SupervisorHarness h)
    {
        var told = new ConcurrentQueue<HookEvent>();
        h.Supervisor.Status.EventRecorded += e =>
        {
            if (HookEventSource.Observe("default", e, h.Current) is { } hook)
                told.Enqueue(hook);
        };
        return told;
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_restart_after_a_crash_is_told_with_the_exit_code_the_cause_and_the_new_pid()
    {
        await using var h = new SupervisorHarness();
        var told = Listen(h);
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);

        h.Launcher.Started[0].Exit(3);
        await h.SkipToRestartAfterSpawn(1);
        await h.WaitFor(s => s.State == SupervisorState.Running && h.Launcher.Started.Count == 2);

        var restart = told.Should().ContainSingle().Which;
        restart.Event.Should().Be("restart");
        restart.Cause.Should().Be(RestartCause.Exited);
        restart.ExitCode.Should().Be(3);
        restart.Pid.Should().Be(h.Launcher.Started[1].Pid);
        restart.Reason.Should().Contain($"pid={h.Launcher.Started[0].Pid} exited");
        restart.Restarts.Should().Be(1);
        restart.Environment().Should().Contain(new KeyValuePair<string, string?>("MLXSUP_EVENT", "restart"))
            .And.Contain(new KeyValuePair<string, string?>("MLXSUP_EXIT_CODE", "3"))
            .And.Contain(new KeyValuePair<string, string?>("MLXSUP_PID", h.Launcher.Started[1].Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .And.Contain(new KeyValuePair<string, string?>("MLXSUP_CAUSE", "exited"));
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_server_declared_dead_is_told_with_its_pid_and_the_failed_probes()
    {
        await using var h = new SupervisorHarness();
        var told = Listen(h);
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);

        h.Probe.Failure = "HTTP 503";
        for (var strike = 1; strike <= 2; strike++)
        {
            h.Time.Advance(h.Options.Health.Interval);
            await h.WaitFor(s => s.Health.Strikes == strike);
        }
        h.Time.Advance(h.Options.Health.Interval);
        await h.WaitFor(s => s.NextRestartAt is not null);
        h.Probe.Failure = null;
        await h.SkipToRestartAfterSpawn(1);
        await h.WaitFor(s => s.State == SupervisorState.Running && h.Launcher.Started.Count == 2);

        told.Select(e => e.Event).Should().Equal("declared-dead", "restart");
        var dead = told.First();
        dead.Pid.Should().Be(h.Launcher.Started[0].Pid);
        dead.Reason.Should().Be("declared dead after 3 failed probes (HTTP 503)");
        told.Last().Cause.Should().Be(RestartCause.Unhealthy);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task An_operators_restart_is_told_as_caused_by_the_operator()
    {
        await using var h = new SupervisorHarness();
        var told = Listen(h);
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);

        h.Supervisor.RequestOperatorRestart(ControlEndpoints.RestartReason);
        await h.WaitFor(s => s.State == SupervisorState.Running && h.Launcher.Started.Count == 2);

        var restart = told.Should().ContainSingle().Which;
        restart.Cause.Should().Be(RestartCause.Operator);
        restart.ExitCode.Should().Be(143, "the fake server exits 143 on SIGTERM");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_crash_loop_is_told_as_restarts_then_the_circuit_opening_with_when_it_reopens()
    {
        await using var h = new SupervisorHarness();
        var told = Listen(h);
        h.Launcher.OnStart = p => p.Exit(1);
        h.Run();

        for (var spawns = 1; spawns <= 5; spawns++)
            await h.SkipToRestartAfterSpawn(spawns);
        var open = await h.WaitFor(s => s.State == SupervisorState.CircuitOpen);

        told.Select(e => e.Event).Should().Equal("restart", "restart", "restart", "restart", "restart", "circuit-open");
        var opened = told.Last();
        opened.Circuit.Should().Be("Open");
        opened.ReopensAt.Should().Be(open.CircuitReopensAt);
        opened.Reason.Should().StartWith("too many failed restarts");
        opened.Environment()["MLXSUP_REOPENS_AT"].Should().Be(open.CircuitReopensAt!.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }
}
