using FluentAssertions;
using MlxSupervisor.Configuration;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Supervision;

/// <summary>When a new server becomes Running: the startup probe ramp and readiness, on fake time.</summary>
public sealed class ReadinessSpecs
{
    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task Startup_probes_go_out_at_once_and_then_25_50_and_100_ms_apart_so_a_quick_server_is_seen_within_tens_of_ms()
    {
        await using var h = new SupervisorHarness(o => o.Health.Readiness = ReadinessMode.Health);
        h.Probe.Failure = "connection refused";
        h.Run();

        foreach (var (probes, wait) in new[] { (1, 25), (2, 50), (3, 100) })
        {
            await h.WaitFor(_ => h.Probe.Probes == probes);
            if (probes == 3)
                h.Probe.Failure = null;
            h.Time.Advance(TimeSpan.FromMilliseconds(wait));
        }
        var running = await h.WaitFor(s => s.State == SupervisorState.Running);

        h.Probe.StartedAt.Select(t => (t - h.Start).TotalMilliseconds).Should().Equal(0, 25, 75, 175);
        (running.Since - h.Start).Should().Be(TimeSpan.FromMilliseconds(175));
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_port_that_opens_late_is_probed_within_25_ms_of_opening_not_on_the_ramp()
    {
        await using var h = new SupervisorHarness(o => o.Health.Readiness = ReadinessMode.Health);
        h.Probe.PortOpen = false;
        h.Run();

        // 40 s of loading before the port opens: the port is looked at every 25 ms, and no probe goes out meanwhile.
        for (var i = 1; i <= 1600; i++)
        {
            await h.Until(() => h.Probe.PortChecks >= i);
            if (i == 1600)
                h.Probe.PortOpen = true;
            h.Time.Advance(TimeSpan.FromMilliseconds(25));
        }
        var running = await h.WaitFor(s => s.State == SupervisorState.Running);

        h.Probe.StartedAt.Should().ContainSingle("the first probe, at once after the port opened, was answered");
        (h.Probe.StartedAt[0] - h.Start).Should().Be(TimeSpan.FromMilliseconds(40_000));
        (running.Since - h.Start).Should().Be(TimeSpan.FromMilliseconds(40_000));
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task With_generation_readiness_a_server_that_answers_its_health_check_is_not_Running_until_its_first_token()
    {
        await using var h = new SupervisorHarness();
        h.Generation.Hold();
        h.Run();

        await h.Until(() => h.Generation.Probes == 1);
        var loading = h.Current;
        // No timer of the supervisor's is due in these 40 s (the probe's own deadline is the startup timeout's), so the
        // state read right after the advance is the state the supervisor holds while the model loads.
        h.Time.Advance(TimeSpan.FromSeconds(40));
        h.Current.State.Should().Be(SupervisorState.Starting);
        h.Generation.Release();
        var running = await h.WaitFor(s => s.State == SupervisorState.Running);

        loading.Reason.Should().Contain("waiting for a first token");
        loading.Health.LastOkAt.Should().BeNull("Running is what says the server can answer");
        running.Reason.Should().Contain("first token");
        h.Generation.Sent.Should().ContainSingle().Which.Timeout.Should().Be(h.Options.Health.StartupTimeout,
            "the probe may wait for the rest of the startup, since the model loads before the first token");
        h.Generation.Sent[0].Url.Should().Be(new Uri("http://127.0.0.1:1/v1/chat/completions"));
    }

    [Theory(Timeout = Timeouts.UnitTestMs)]
    [InlineData(ReadinessMode.Health, true)]
    [InlineData(ReadinessMode.Generation, false)]
    public async Task With_health_readiness_or_probes_off_a_2xx_alone_makes_the_server_Running(ReadinessMode readiness, bool probesOn)
    {
        await using var h = new SupervisorHarness(o =>
        {
            o.Health.Readiness = readiness;
            o.Health.Generation.Enabled = probesOn;
        });
        h.Generation.Hold();
        h.Run();

        await h.WaitFor(s => s.State == SupervisorState.Running);

        h.Generation.Probes.Should().Be(0);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_first_token_that_never_comes_ends_the_start_at_the_startup_timeout_which_bounds_the_probes_too()
    {
        await using var h = new SupervisorHarness(o => o.Health.StartupTimeout = TimeSpan.FromMinutes(2));
        h.Generation.Hangs = true;
        h.Run();
        await h.Until(() => h.Generation.Probes == 1);

        h.Time.Advance(TimeSpan.FromMinutes(2));
        var backingOff = await h.WaitFor(s => s.NextRestartAt is not null);

        backingOff.LastExit!.Reason.Should().Be("not ready within the startup timeout of 120 s (generation probe: no first token)");
        backingOff.ConsecutiveFailures.Should().Be(1);
        h.Launcher.Started[0].StopCalls.Should().Be(1);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_refused_first_generation_is_a_failed_start_that_names_the_status_and_the_servers_reason()
    {
        await using var h = new SupervisorHarness();
        h.Generation.Refusal = (404, "Model mlx-community/Nope-4bit not found");
        h.Run();

        var backingOff = await h.WaitFor(s => s.NextRestartAt is not null);
        h.Time.SetUtcNow(backingOff.NextRestartAt!.Value);
        await h.WaitFor(_ => h.Launcher.Started.Count == 2);

        backingOff.LastExit!.Reason.Should().Be("the model failed to load: generation probe got HTTP 404: Model mlx-community/Nope-4bit not found");
        backingOff.ConsecutiveFailures.Should().Be(1, "it counts as a failed start, so backoff and the breaker apply");
        (backingOff.NextRestartAt!.Value - backingOff.LastExit.At).Should().Be(h.Options.Restart.InitialDelay);
        h.Supervisor.Status.RecentEvents.Last(e => e.Kind == EventKinds.Started).Cause!.Label.Should().Be(RestartCause.StartupFailed);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task The_generation_probe_goes_to_the_configured_path_with_the_configured_model()
    {
        await using var h = new SupervisorHarness(o =>
        {
            o.Health.Generation.Path = "/v1/completions";
            o.Health.Generation.Model = "phi3.5:3.8b";
        });
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);

        h.Generation.Sent.Should().ContainSingle().Which.Should().Match<(DateTimeOffset At, TimeSpan Timeout, string? Model, Uri Url)>(
            p => p.Model == "phi3.5:3.8b" && p.Url == new Uri("http://127.0.0.1:1/v1/completions"));
    }
}
