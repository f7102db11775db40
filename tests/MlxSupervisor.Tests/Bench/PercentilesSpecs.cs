using FluentAssertions;
using MlxSupervisor.Bench.Stats;
using Xunit;

namespace MlxSupervisor.Tests.Bench;

public sealed class PercentilesSpecs
{
    private static readonly double[] Twenty = Enumerable.Range(1, 20).Select(i => (double)i).Reverse().ToArray();

    [Fact]
    public void The_p95_of_twenty_values_is_the_nineteenth_smallest()
    {
        Percentiles.Of(Twenty, 95).Should().Be(19);
    }

    [Fact]
    public void The_p99_of_twenty_values_is_the_largest()
    {
        Percentiles.Of(Twenty, 99).Should().Be(20);
    }

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_two_middle_values()
    {
        Percentiles.Median(Twenty).Should().Be(10.5);
        Percentiles.Median([3.0, 1.0, 2.0]).Should().Be(2);
    }

    [Fact]
    public void An_empty_sample_has_no_percentile()
    {
        double.IsNaN(Percentiles.Of([], 50)).Should().BeTrue();
    }
}
