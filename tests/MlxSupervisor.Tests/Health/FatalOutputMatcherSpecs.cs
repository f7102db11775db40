using FluentAssertions;
using Microsoft.Extensions.Configuration;
using MlxSupervisor.Configuration;
using MlxSupervisor.Health;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Health;

public sealed class FatalOutputMatcherSpecs
{
    private static SupervisorOptions Defaults() => SupervisorSettings.Load(new ConfigurationBuilder()
        .Add(new LayeredJsonConfigurationSource([Repo.DefaultSettings])).Build());

    [Theory]
    [InlineData("Exception in thread Thread-1 (_generate):")]
    [InlineData("RuntimeError: [metal::malloc] Resource limit (499000) exceeded.")]
    [InlineData("libc++abi: terminating due to uncaught exception of type std::runtime_error: [METAL] Command buffer execution failed: Insufficient Memory (00000008:kIOGPUCommandBufferCallbackErrorOutOfMemory)")]
    public void The_shipped_patterns_catch_the_lines_MLX_prints_as_it_fails(string line)
    {
        FatalOutputMatcher.From(Defaults().Health.FatalOutput)!.Matches(line).Should().BeTrue();
    }

    [Theory]
    [InlineData("2026-12-02 10:00:01,123 - INFO - Prompt processing progress: 512/2048")]
    [InlineData("127.0.0.1 - - [02/Dec/2026 10:00:02] \"POST /v1/chat/completions HTTP/1.1\" 200 -")]
    [InlineData("  File \"/opt/mlx/lib/python3.12/site-packages/mlx_lm/server.py\", line 624, in _generate")]
    [InlineData("Some text that mentions Exception in thread Thread-2 (_generate) in the middle")]
    public void Ordinary_lines_are_not_fatal(string line)
    {
        FatalOutputMatcher.From(Defaults().Health.FatalOutput)!.Matches(line).Should().BeFalse();
    }

    [Theory]
    [InlineData("^Traceback", "Traceback (most recent call last):", "  Traceback")]
    [InlineData(@"(\w+) \1 again", "word word again", "word other again")]
    [InlineData("(?x) spaced  out # a comment", "spacedout", "spaced out")]
    public void Each_pattern_means_what_it_means_alone_however_the_patterns_are_matched_together(string pattern, string matching, string notMatching)
    {
        // The first pattern has a group of its own, which would shift the second's numbers if they were run as one.
        var matcher = FatalOutputMatcher.From(["^never (this)$", pattern, "nor (this|that)"])!;

        matcher.Matches(matching).Should().BeTrue();
        matcher.Matches(notMatching).Should().BeFalse();
        matcher.Matches("nor that").Should().BeTrue();
        matcher.Matches("never this").Should().BeTrue();
        matcher.Matches("never this either").Should().BeFalse();
    }

    [Fact]
    public void An_empty_list_turns_fatal_output_off()
    {
        FatalOutputMatcher.From([]).Should().BeNull();
    }

    [Fact]
    public void An_invalid_pattern_is_refused_with_a_line_naming_the_key_and_the_pattern()
    {
        var load = () => SupervisorSettings.Load(new ConfigurationBuilder()
            .Add(new LayeredJsonConfigurationSource([Repo.DefaultSettings]))
            .AddInMemoryCollection([new("Supervisor:Health:FatalOutput:1", "[metal::malloc")])
            .Build());

        load.Should().Throw<SettingsException>().Which.Errors.Should().ContainSingle()
            .Which.Should().StartWith("Supervisor:Health:FatalOutput:1 '[metal::malloc' is not a valid .NET regular expression");
    }

    [Fact]
    public void A_pattern_that_backtracks_without_end_on_a_line_does_not_hold_up_the_output()
    {
        var matcher = FatalOutputMatcher.From(["^(a+)+$"])!;
        var started = DateTime.UtcNow;

        matcher.Matches(new string('a', 40) + "!").Should().BeFalse();
        (DateTime.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(5), "the match gives up at its timeout");
    }
}
