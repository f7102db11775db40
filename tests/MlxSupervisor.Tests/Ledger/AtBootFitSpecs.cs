using FluentAssertions;
using MlxSupervisor.Ledger;
using Xunit;
using static MlxSupervisor.Tests.Ledger.FleetOf;

namespace MlxSupervisor.Tests.Ledger;

/// <summary>The settings validator's check that the AtBoot servers fit the budget together (issue 13, "refused with exit 78").</summary>
public sealed class AtBootFitSpecs
{
    [Fact]
    public void AtBoot_estimates_that_add_up_to_the_budget_fit()
    {
        var fit = RoomPolicy.FitsAtBoot(24 * GB, [("coder", 20 * GB), ("chat", 4 * GB)]);

        fit.Should().Be(new AtBootFit(true, 24 * GB, 24 * GB, null));
    }

    [Fact]
    public void AtBoot_estimates_above_the_budget_are_refused_in_one_line_naming_the_keys_and_the_figures()
    {
        var fit = RoomPolicy.FitsAtBoot(16 * GB, [("coder", 20 * GB), ("chat", 4 * GB)]);

        fit.Fits.Should().BeFalse();
        fit.Total.Should().Be(24 * GB);
        fit.Refusal.Should().Be("Supervisor:Fleet:MemoryBudget (16 GB) is less than the MemoryEstimates of the AtBoot servers together "
            + "(24 GB: Supervisor:Servers:coder:MemoryEstimate 20 GB, Supervisor:Servers:chat:MemoryEstimate 4 GB)");
    }

    [Fact]
    public void Without_a_budget_any_AtBoot_estimates_fit()
    {
        RoomPolicy.FitsAtBoot(null, [("coder", 2000 * GB)]).Fits.Should().BeTrue();
    }

    [Fact]
    public void Estimates_too_large_to_add_up_are_refused_not_wrapped_around()
    {
        var fit = RoomPolicy.FitsAtBoot(100 * GB, [("a", long.MaxValue), ("b", long.MaxValue)]);

        fit.Fits.Should().BeFalse();
        fit.Total.Should().Be(long.MaxValue);
    }
}
