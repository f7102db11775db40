using FluentAssertions;
using MlxSupervisor.Restart;
using Xunit;

namespace MlxSupervisor.Tests.Restart;

public sealed class RestartBackoffSpecs
{
    [Fact]
    public void The_delay_doubles_from_the_initial_delay_per_consecutive_failure_up_to_the_cap()
    {
        var backoff = new RestartBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60));

        var delays = Enumerable.Range(1, 8).Select(n => backoff.DelayAfter(n).TotalSeconds);

        delays.Should().Equal(2, 4, 8, 16, 32, 60, 60, 60);
    }

    [Fact]
    public void No_failure_means_no_delay()
    {
        new RestartBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60)).DelayAfter(0).Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void A_very_long_failure_streak_stays_at_the_cap_without_overflowing()
    {
        new RestartBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60)).DelayAfter(int.MaxValue).Should().Be(TimeSpan.FromSeconds(60));
    }
}
