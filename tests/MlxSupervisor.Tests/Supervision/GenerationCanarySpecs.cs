using FluentAssertions;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Supervision;

/// <summary>The generation probes of a Running server: sent when it is idle, judged, waived while clients are served; on fake time.</summary>
public sealed class GenerationCanarySpecs
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    private static async Task<(SupervisorHarness H, DateTimeOffset RunningAt)> RunningAsync(SettableActivity? activity = null)
    {
        var h = new SupervisorHarness(activity: activity);
        h.Run();
        var running = await h.WaitFor(s => s.State == SupervisorState.Running);
        return (h, running.Since);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task An_idle_server_gets_a_generation_probe_each_interval()
    {
        var (h, runningAt) = await RunningAsync();
        await using var _ = h;
        var readinessProbes = h.Generation.Probes;

        h.Time.Advance(Interval);
        await h.Until(() => h.Generation.Probes == readinessProbes + 1);
        await h.WaitFor(s => s.Health.LastTokenAt == runningAt + Interval);
        h.Time.Advance(Interval);
        await h.Until(() => h.Generation.Probes == readinessProbes + 2);

        h.Generation.Sent.Skip(readinessProbes).Select(p => p.At).Should().Equal(runningAt + Interval, runningAt + Interval * 2);
        h.Generation.Sent.Skip(readinessProbes).Should().OnlyContain(p => p.Timeout == h.Options.Health.Generation.Timeout);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_silent_zombie_that_gives_no_token_is_declared_dead_and_restarted_with_backoff()
    {
        var (h, runningAt) = await RunningAsync();
        await using var _ = h;
        h.Generation.Hangs = true;

        h.Time.Advance(Interval);
        await h.Until(() => h.Generation.Sent.Any(p => p.At == runningAt + Interval));
        h.Time.Advance(h.Options.Health.Generation.Timeout);
        var backingOff = await h.WaitFor(s => s.NextRestartAt is not null);

        backingOff.LastExit!.Reason.Should().Be("declared dead: generation probe: no token within 30 s");
        backingOff.ConsecutiveFailures.Should().Be(1);
        h.Launcher.Started[0].StopCalls.Should().Be(1);
        h.Supervisor.Status.RecentEvents.Should().Contain(e => e.Kind == EventKinds.DeclaredDead && e.Pid == h.Launcher.Started[0].Pid);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task Bytes_to_a_client_are_proof_of_life_and_put_the_probe_off_until_the_server_has_been_idle_for_the_interval()
    {
        var activity = new SettableActivity();
        var (h, runningAt) = await RunningAsync(activity);
        await using var _ = h;
        var readinessProbes = h.Generation.Probes;
        var lastByte = runningAt + TimeSpan.FromMinutes(4);
        activity.Current = new ServerActivitySnapshot(0, lastByte);

        h.Time.Advance(Interval);
        h.Time.Advance(TimeSpan.FromMinutes(4));
        await h.Until(() => h.Generation.Probes == readinessProbes + 1);

        h.Generation.Sent.Last().At.Should().Be(lastByte + Interval);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_server_with_requests_in_flight_is_not_probed_the_stall_rule_judges_it()
    {
        var activity = new SettableActivity();
        var (h, runningAt) = await RunningAsync(activity);
        await using var _ = h;
        var readinessProbes = h.Generation.Probes;
        activity.Current = new ServerActivitySnapshot(InFlight: 1, LastByteAt: runningAt);

        h.Time.Advance(Interval);
        h.Time.Advance(Interval);
        activity.Current = new ServerActivitySnapshot(InFlight: 0, LastByteAt: runningAt);
        h.Time.Advance(Interval);
        await h.Until(() => h.Generation.Probes == readinessProbes + 1);

        h.Generation.Sent.Last().At.Should().Be(runningAt + Interval * 3, "only once nothing was in flight at a check");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_probe_that_fails_while_a_client_is_being_served_is_waived()
    {
        var activity = new SettableActivity();
        var (h, runningAt) = await RunningAsync(activity);
        await using var _ = h;
        h.Generation.Hangs = true;

        h.Time.Advance(Interval);
        await h.Until(() => h.Generation.Sent.Any(p => p.At == runningAt + Interval));
        activity.Current = new ServerActivitySnapshot(InFlight: 1, LastByteAt: runningAt + Interval);
        h.Time.Advance(h.Options.Health.Generation.Timeout);
        await h.WaitFor(_ => h.Supervisor.Status.RecentEvents.Any(e => e.Kind == EventKinds.StrikeWaived));

        h.Current.State.Should().Be(SupervisorState.Running);
        h.Supervisor.Status.RecentEvents.Last(e => e.Kind == EventKinds.StrikeWaived).Message
            .Should().Be("generation probe failed (no token within 30 s) but 1 client requests in flight");
        h.Launcher.Started.Should().ContainSingle();
    }
}
