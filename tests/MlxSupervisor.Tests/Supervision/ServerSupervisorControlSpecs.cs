using FluentAssertions;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Supervision;

/// <summary>Requests from outside the loop, and the front door's view of a busy server, on fake time.</summary>
public sealed class ServerSupervisorControlSpecs
{
    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task An_operator_stop_stops_the_server_and_spawns_nothing_until_a_start()
    {
        await using var h = new SupervisorHarness();
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);

        h.Supervisor.RequestStop("operator request");
        var stopped = await h.WaitFor(s => s.State == SupervisorState.Stopped);
        h.Time.Advance(TimeSpan.FromMinutes(10));

        stopped.Reason.Should().Be("stopped by operator");
        stopped.LastExit!.Reason.Should().Be("operator request");
        h.Launcher.Started.Should().ContainSingle().Which.StopCalls.Should().Be(1);

        h.Supervisor.RequestStart();
        await h.WaitFor(s => s.State == SupervisorState.Running);
        h.Launcher.Started.Should().HaveCount(2);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task An_operator_restart_respawns_at_once_without_counting_as_a_failure()
    {
        await using var h = new SupervisorHarness();
        h.Run();
        var first = await h.WaitFor(s => s.State == SupervisorState.Running);

        h.Supervisor.RequestOperatorRestart("operator request");
        var second = await h.WaitFor(s => s.State == SupervisorState.Running && s.Pid != first.Pid);

        second.ConsecutiveFailures.Should().Be(0);
        second.NextRestartAt.Should().BeNull();
        second.LastExit!.Reason.Should().Be("operator request");
        h.Time.GetUtcNow().Should().Be(h.Start, "no delay was waited");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_restart_requested_for_a_sick_server_backs_off_like_a_crash()
    {
        await using var h = new SupervisorHarness();
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);

        h.Supervisor.RequestRestart("memory: 3 GB above the limit of 2 GB for 3 samples");
        var backingOff = await h.WaitFor(s => s.NextRestartAt is not null);

        backingOff.State.Should().Be(SupervisorState.BackingOff);
        backingOff.ConsecutiveFailures.Should().Be(1);
        (backingOff.NextRestartAt!.Value - h.Time.GetUtcNow()).Should().Be(TimeSpan.FromSeconds(2));
        backingOff.LastExit!.Reason.Should().StartWith("memory:");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_start_request_cuts_a_restart_delay_short()
    {
        await using var h = new SupervisorHarness();
        h.Launcher.OnStart = p =>
        {
            if (h.Launcher.Started.Count == 1)
                p.Exit(1);
        };
        h.Run();
        await h.WaitFor(s => s.NextRestartAt is not null);

        h.Supervisor.RequestStart();

        await h.WaitFor(s => s.State == SupervisorState.Running);
        h.Time.GetUtcNow().Should().Be(h.Start);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_failed_probe_while_requests_are_in_flight_and_bytes_flow_is_not_a_strike()
    {
        var activity = new SettableActivity();
        await using var h = new SupervisorHarness(activity: activity);
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);
        h.Probe.Failure = "timeout after 5 s";

        for (var i = 1; i <= 5; i++)
        {
            activity.Current = new ServerActivitySnapshot(InFlight: 2, LastByteAt: h.Time.GetUtcNow());
            h.Time.Advance(h.Options.Health.Interval);
            await h.WaitFor(_ => h.Supervisor.Status.RecentEvents.Count(e => e.Kind == "strike-waived") == i);
        }

        h.Current.Health.Strikes.Should().Be(0);
        h.Current.State.Should().Be(SupervisorState.Running);
        h.Supervisor.Status.RecentEvents.Last(e => e.Kind == "strike-waived").Message
            .Should().Be("probe failed (timeout after 5 s) but the server is busy: 2 requests in flight, last byte 10.0 s ago");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task In_flight_requests_with_no_recent_byte_do_not_waive_strikes()
    {
        var activity = new SettableActivity();
        await using var h = new SupervisorHarness(activity: activity);
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);
        activity.Current = new ServerActivitySnapshot(InFlight: 3, LastByteAt: h.Time.GetUtcNow());
        h.Probe.Failure = "timeout after 5 s";

        h.Time.Advance(h.Options.Health.Interval * 2);
        await h.WaitFor(s => s.Health.Strikes == 1);
    }
}
