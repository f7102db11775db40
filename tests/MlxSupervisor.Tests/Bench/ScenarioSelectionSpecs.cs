using FluentAssertions;
using MlxSupervisor.Bench;
using Xunit;

namespace MlxSupervisor.Tests.Bench;

/// <summary>The bench's --only option: measuring some scenarios alone.</summary>
public sealed class ScenarioSelectionSpecs
{
    [Fact]
    public void Without_only_every_scenario_is_measured()
    {
        var (selection, _) = ScenarioSelection.Parse(null);

        selection!.IsAll.Should().BeTrue();
        selection.Names.Should().Equal(ScenarioSelection.Known);
    }

    [Fact]
    public void Only_selects_the_named_scenarios_in_the_order_the_run_measures_them()
    {
        var (selection, _) = ScenarioSelection.Parse("stream-integrity, readiness");

        selection!.IsAll.Should().BeFalse();
        selection.Names.Should().Equal(ScenarioSelection.Readiness, ScenarioSelection.StreamIntegrity);
        selection.Includes(ScenarioSelection.Recovery).Should().BeFalse();
    }

    [Fact]
    public void An_unknown_name_is_one_line_naming_it_and_the_known_ones()
    {
        var (selection, error) = ScenarioSelection.Parse("readiness,zombie");

        selection.Should().BeNull();
        error.Should().Be($"--only: unknown scenario 'zombie'; known: {string.Join(", ", ScenarioSelection.Known)}");
    }

    [Fact]
    public void An_empty_list_is_refused()
    {
        var (selection, error) = ScenarioSelection.Parse(" , ");

        selection.Should().BeNull();
        error.Should().StartWith("--only needs at least one scenario, got ' , '");
    }
}
