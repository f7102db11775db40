using System.Net;
using FluentAssertions;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.SimServer;

/// <summary>
/// The sim's generation thread dies the way mlx_lm.server's does: the process lives on, /health and /v1/models
/// stay 200, and every later completion hangs without a byte (mlx-lm #1505, #1472, #1672, #1909; issue 12).
/// </summary>
public sealed class GenerationDeathSpecs
{
    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task After_n_completions_the_thread_dies_with_a_traceback_and_the_next_completion_hangs_while_health_is_200()
    {
        await using var sim = await SimProcess.StartAsync("--generation-dies-after", "2", "--tokens", "2");

        for (var i = 0; i < 2; i++)
        {
            using var answered = await sim.Client.SendAsync(ChatStream.Request(stream: i == 0));
            answered.StatusCode.Should().Be(HttpStatusCode.OK, "completion {0} of 2 is still answered", i + 1);
            (await answered.Content.ReadAsStringAsync()).Should().Contain("tok2");
        }

        await sim.WaitForStderrAsync("RuntimeError: [metal::malloc] Resource limit (499000) exceeded.");
        using var raw = await RawHttp.SendAsync(sim.Port, RawHttp.Chat(stream: true));
        var nothing = raw.ReceivesNothingFor(RawHttp.QuietWindow);
        using var health = await sim.Client.GetAsync("/health");
        using var models = await sim.Client.GetAsync("/v1/models");

        (await nothing).Should().BeTrue("a dead generation thread sends not even the headers");
        health.StatusCode.Should().Be(HttpStatusCode.OK);
        models.StatusCode.Should().Be(HttpStatusCode.OK);
        var stderr = sim.Stderr;
        stderr.Should().StartWith("Exception in thread Thread-1 (_generate):", "Python's threading.excepthook opens the traceback");
        stderr.Should().Contain("Traceback (most recent call last):");
        stderr[^1].Should().Be("RuntimeError: [metal::malloc] Resource limit (499000) exceeded.", "the exception ends it");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_silent_death_prints_nothing_and_hangs_the_next_completion_all_the_same()
    {
        await using var sim = await SimProcess.StartAsync("--generation-dies-after", "1", "--silent-death");

        using (var answered = await sim.Client.SendAsync(ChatStream.Request(stream: false)))
            answered.StatusCode.Should().Be(HttpStatusCode.OK);
        using var raw = await RawHttp.SendAsync(sim.Port, RawHttp.Chat(stream: false));
        var nothing = await raw.ReceivesNothingFor(RawHttp.QuietWindow);
        using var health = await sim.Client.GetAsync("/health");

        nothing.Should().BeTrue("the thread is dead although it said nothing");
        health.StatusCode.Should().Be(HttpStatusCode.OK);
        sim.Stderr.Should().BeEmpty("mlx-lm #1834 and #1493: some deaths leave no exception at all");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_thread_that_dies_after_zero_completions_dies_as_soon_as_the_model_has_loaded()
    {
        await using var sim = await SimProcess.StartAsync("--load-ms", "100", "--generation-dies-after", "0");

        await sim.WaitForStderrAsync("Exception in thread Thread-1 (_generate):");
        using var raw = await RawHttp.SendAsync(sim.Port, RawHttp.Chat(stream: true));

        (await raw.ReceivesNothingFor(RawHttp.QuietWindow)).Should().BeTrue("no completion is ever answered");
    }
}
