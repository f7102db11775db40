using FluentAssertions;
using MlxSupervisor.Bench.Scenarios;
using Xunit;

namespace MlxSupervisor.Tests.Bench;

/// <summary>The bench's own model of the promised schedule, which the schedule-fidelity figures are measured against.</summary>
public sealed class RestartPolicySpecs
{
    private static readonly RestartPolicy Defaults = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), 5, TimeSpan.FromSeconds(60));

    [Fact]
    public void A_server_that_dies_at_once_is_promised_the_readme_schedule_at_the_defaults()
    {
        var times = Defaults.IdealSpawnTimes(9).Select(t => t.TotalSeconds);

        times.Should().Equal(0, 2, 6, 14, 30, 62, 122, 182, 242);
    }

    [Fact]
    public void The_circuit_opens_after_the_fifth_failed_restart_and_every_failed_trial_opens_it_again()
    {
        var open = Enumerable.Range(0, 8).Select(k => Defaults.WaitAfterExit(k).CircuitOpen);

        open.Should().Equal(false, false, false, false, false, true, true, true);
    }

    [Fact]
    public void A_break_shorter_than_the_backoff_waits_the_backoff()
    {
        var policy = new RestartPolicy(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), 5, TimeSpan.FromSeconds(10));

        policy.WaitAfterExit(5).Wait.Should().Be(TimeSpan.FromSeconds(60));
    }
}
