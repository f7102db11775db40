using FluentAssertions;
using MlxSupervisor.Ledger;
using Xunit;
using static MlxSupervisor.Tests.Ledger.FleetOf;

namespace MlxSupervisor.Tests.Ledger;

public sealed class PeakTrackerSpecs
{
    [Fact]
    public void A_life_without_a_measurement_has_no_peak()
    {
        new PeakTracker().Peak.Should().BeNull();
    }

    [Fact]
    public void The_peak_is_the_highest_measurement_of_the_life_so_far()
    {
        var tracker = new PeakTracker();

        tracker.Observe(2 * GB);
        tracker.Observe(5 * GB);
        tracker.Observe(3 * GB);

        tracker.Peak.Should().Be(5 * GB);
    }

    [Fact]
    public void A_new_life_starts_from_no_peak_even_below_the_last_lifes()
    {
        var tracker = new PeakTracker();
        tracker.Observe(5 * GB);

        tracker.Reset();
        tracker.Observe(1 * GB);

        tracker.Peak.Should().Be(1 * GB);
    }
}
