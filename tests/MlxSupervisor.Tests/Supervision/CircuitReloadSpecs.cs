using FluentAssertions;
using MlxSupervisor.Configuration;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Supervision;

/// <summary>Reloaded CircuitBreaker settings, on fake time.</summary>
public sealed class CircuitReloadSpecs
{
    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_reloaded_failure_threshold_applies_from_the_next_start_through_a_fresh_circuit()
    {
        await using var h = new SupervisorHarness();
        h.Launcher.OnStart = p => p.Exit(1);
        h.Run();
        var waiting = await h.WaitFor(s => s.NextRestartAt is not null && h.Launcher.Started.Count == 1);

        // What a reload does: the supervisor's options function now returns settings with another threshold.
        h.Options.CircuitBreaker = new CircuitBreakerOptions { FailureThreshold = 2, SamplingWindow = TimeSpan.FromMinutes(5), BreakDuration = TimeSpan.FromMinutes(1) };
        h.Time.SetUtcNow(waiting.NextRestartAt!.Value);
        await h.SkipToRestartAfterSpawn(2);
        var afterTwoFailedRestarts = await h.WaitFor(s => s.NextRestartAt is not null && h.Launcher.Started.Count == 3);

        afterTwoFailedRestarts.State.Should().Be(SupervisorState.CircuitOpen, "two failed restarts reach the new threshold of 2, not the old 5");
        h.Supervisor.Status.RecentEvents.Should().Contain(e => e.Kind == "circuit-reconfigured");
    }
}
