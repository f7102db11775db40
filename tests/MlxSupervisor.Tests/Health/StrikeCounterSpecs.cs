using FluentAssertions;
using MlxSupervisor.Health;
using Xunit;

namespace MlxSupervisor.Tests.Health;

public sealed class StrikeCounterSpecs
{
    [Fact]
    public void Three_consecutive_failures_declare_the_server_dead()
    {
        var strikes = new StrikeCounter(3);

        var verdicts = new[] { strikes.RecordFailure(), strikes.RecordFailure(), strikes.RecordFailure() };

        verdicts.Should().Equal(false, false, true);
        strikes.IsDead.Should().BeTrue();
    }

    [Fact]
    public void A_healthy_probe_clears_the_strikes()
    {
        var strikes = new StrikeCounter(3);
        strikes.RecordFailure();
        strikes.RecordFailure();

        strikes.RecordSuccess();

        strikes.Strikes.Should().Be(0);
        strikes.RecordFailure().Should().BeFalse("the count starts again after a success");
    }
}
