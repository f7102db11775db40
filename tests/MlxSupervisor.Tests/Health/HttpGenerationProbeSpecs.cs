using FluentAssertions;
using MlxSupervisor.Health;
using MlxSupervisor.Tests.SimServer;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Health;

/// <summary>The one-token probe against the real simulated server, as it behaves like mlx_lm.server.</summary>
public sealed class HttpGenerationProbeSpecs
{
    private static readonly HttpGenerationProbe Probe = new(HttpHealthProbe.CreateClient(), TimeProvider.System);

    private static Uri Url(SimProcess sim) => new($"http://127.0.0.1:{sim.Port}/v1/chat/completions");

    [Theory(Timeout = Timeouts.ProcessTestMs)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_server_that_can_generate_passes_with_its_first_token_over_HTTP_1_1_or_1_0(bool http10)
    {
        await using var sim = await SimProcess.StartAsync(http10 ? ["--http10", "--keepalive-comments", "2"] : []);

        var result = await Probe.ProbeAsync(Url(sim), model: null, TimeSpan.FromSeconds(10), CancellationToken.None);

        result.Passed.Should().BeTrue(result.Failure);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_whose_model_failed_to_load_is_a_refusal_with_its_status_and_its_own_words()
    {
        await using var sim = await SimProcess.StartAsync(["--http10", "--load-fails", "Model type qwen3_next not supported."]);

        var result = await Probe.ProbeAsync(Url(sim), model: null, TimeSpan.FromSeconds(10), CancellationToken.None);

        result.WasRefused.Should().BeTrue();
        result.StatusCode.Should().Be(404);
        result.Failure.Should().Be("HTTP 404: Model type qwen3_next not supported.");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_that_never_sends_a_token_times_out_with_no_token()
    {
        await using var sim = await SimProcess.StartAsync(["--never-loads"]);

        var result = await Probe.ProbeAsync(Url(sim), model: null, TimeSpan.FromMilliseconds(400), CancellationToken.None);

        result.TimedOut.Should().BeTrue();
        result.Failure.Should().Be("no token within 0.4 s");
    }
}
