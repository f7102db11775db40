using System.Net;
using System.Text.Json;
using FluentAssertions;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.SimServer;

/// <summary>
/// The sim loads its model after the port opens, as mlx_lm.server 0.31.3 and later does: /health is 200 from the
/// start, and completions wait for the load (issue 12).
/// </summary>
public sealed class ModelLoadSpecs
{
    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Health_is_200_while_the_model_loads_and_a_completion_sent_meanwhile_is_answered_once_it_has_loaded()
    {
        await using var sim = await SimProcess.StartAsync("--load-ms", "1500", "--tokens", "3");

        using var completion = sim.Client.SendAsync(ChatStream.Request(stream: false));
        using var health = await sim.Client.GetAsync("/health");
        var stats = await StatsAsync(sim);

        health.StatusCode.Should().Be(HttpStatusCode.OK, "the port is open and /health answers while the model loads");
        (await health.Content.ReadAsStringAsync()).Should().Contain("\"ok\"");
        completion.IsCompleted.Should().BeFalse("the completion waits for the model");
        stats.GetProperty("inFlight").GetInt32().Should().Be(1, "/sim/stats counts the waiting completion");

        using var answered = await completion;
        answered.StatusCode.Should().Be(HttpStatusCode.OK);
        (await answered.Content.ReadAsStringAsync()).Should().Contain("tok1 tok2 tok3");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_model_that_never_loads_leaves_a_completion_without_a_byte_while_health_and_models_are_200()
    {
        await using var sim = await SimProcess.StartAsync("--never-loads");

        using var raw = await RawHttp.SendAsync(sim.Port, RawHttp.Chat(stream: true));
        var nothing = raw.ReceivesNothingFor(RawHttp.QuietWindow);
        using var health = await sim.Client.GetAsync("/health");
        using var models = await sim.Client.GetAsync("/v1/models");
        var stats = await StatsAsync(sim);

        (await nothing).Should().BeTrue("a completion queued behind a load that never ends gets not even its headers");
        health.StatusCode.Should().Be(HttpStatusCode.OK);
        models.StatusCode.Should().Be(HttpStatusCode.OK);
        stats.GetProperty("totalRequests").GetInt64().Should().Be(1);
        stats.GetProperty("inFlight").GetInt32().Should().Be(1);
    }

    [Theory(Timeout = Timeouts.ProcessTestMs)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_model_that_fails_to_load_answers_completions_with_404_and_the_reason(bool stream)
    {
        const string reason = "Repository Not Found for url: https://huggingface.co/api/models/no/such-model";
        await using var sim = await SimProcess.StartAsync("--load-ms", "100", "--load-fails", reason);

        using var answer = await sim.Client.SendAsync(ChatStream.Request(stream));
        using var health = await sim.Client.GetAsync("/health");

        answer.StatusCode.Should().Be(HttpStatusCode.NotFound);
        answer.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        using var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("error").GetString().Should().Be(reason, "mlx_lm.server answers {\"error\": reason}");
        health.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    internal static async Task<JsonElement> StatsAsync(SimProcess sim)
    {
        using var stats = JsonDocument.Parse(await sim.Client.GetStringAsync("/sim/stats"));
        return stats.RootElement.Clone();
    }
}
