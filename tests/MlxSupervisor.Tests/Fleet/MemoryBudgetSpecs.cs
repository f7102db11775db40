using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FluentAssertions;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Fleet;

/// <summary>
/// OnDemand servers within Fleet:MemoryBudget, with simulated servers that hold about 150 MB each (RSS on Linux) and a
/// budget that holds one of them.
/// </summary>
public sealed class MemoryBudgetSpecs
{
    private static JsonObject Loaded(params string[] sim) => new()
    {
        ["Start"] = "OnDemand",
        ["MemoryEstimate"] = "160MB",
        ["Sim"] = new JsonArray([.. new[] { "--allocate-mb", "100" }.Concat(sim).Select(s => (JsonNode?)s)]),
    };

    /// <summary>What a server holds once its ballast is touched: with a budget of 250 MB, too much to start another beside it.</summary>
    private const long BallastBytes = 100L * 1024 * 1024;

    private static JsonObject OneFits => new() { ["MemoryBudget"] = "250MB", ["MinResidency"] = "00:00:00.100" };

    /// <summary>Samples the process table until disposed, noting any moment both servers' processes were alive.</summary>
    private sealed class BothAliveWatch : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _watching;

        public BothAliveWatch(RealFleet fleet, string a, string b) => _watching = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var alive = new[] { a, b }.Select(n => fleet[n].Status.Current.Pid is { } pid && ProcessAssert.IsAlive(pid)).ToArray();
                if (alive.All(x => x))
                    Overlaps.Add(DateTimeOffset.UtcNow);
                await Task.Delay(2);
            }
        });

        public ConcurrentBag<DateTimeOffset> Overlaps { get; } = [];

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _watching;
            _stop.Dispose();
        }
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_request_for_B_stops_idle_A_before_B_spawns_and_the_two_are_never_alive_at_once()
    {
        await using var fleet = new RealFleet(new Dictionary<string, JsonObject> { ["a"] = Loaded(), ["b"] = Loaded() }, OneFits);
        await fleet.StartAsync();
        (await fleet.PostAsync(RealFleet.Chat("a-model"))).Status.Should().Be(200);
        await fleet.WaitForFootprint("a", BallastBytes);
        var a = fleet["a"].Status.Current.Pid!.Value;

        BothAliveWatch watch;
        await using (watch = new BothAliveWatch(fleet, "a", "b"))
            (await fleet.PostAsync(RealFleet.Chat("b-model"))).Status.Should().Be(200);

        var stopped = fleet["a"].Status.Current;
        stopped.State.Should().Be(SupervisorState.Stopped);
        stopped.StoppedFor!.Reason.Should().Be("stopped to make room for b in Fleet:MemoryBudget");
        stopped.StoppedFor.StartsOnDemand.Should().BeTrue();
        ProcessAssert.IsAlive(a).Should().BeFalse();
        watch.Overlaps.Should().BeEmpty("a server's room is made before the next one spawns");
        var aStopped = fleet["a"].Status.RecentEvents.Last(e => e.Kind == EventKinds.Stopped).At;
        var bStarted = fleet["b"].Status.RecentEvents.Single(e => e.Kind == EventKinds.Started).At;
        aStopped.Should().BeBefore(bStarted);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_request_in_flight_on_A_delays_Bs_start_until_it_ends_and_A_is_not_cut()
    {
        await using var fleet = new RealFleet(new Dictionary<string, JsonObject>
        {
            ["a"] = Loaded("--token-delay-ms", "150", "--tokens", "6"),
            ["b"] = Loaded(),
        }, OneFits);
        await fleet.StartAsync();
        (await fleet.PostAsync(RealFleet.Chat("a-model", maxTokens: 1))).Status.Should().Be(200);
        await fleet.WaitForFootprint("a", BallastBytes);

        var longOnA = ChatStreamTo(fleet, "a-model");
        await fleet.WaitFor("a", _ => fleet["a"].Activity.Current.InFlight == 1);
        var forB = fleet.PostAsync(RealFleet.Chat("b-model"));
        var (onA, aFinishedAt) = await longOnA;
        var bAnswer = await forB;

        onA.Done.Should().BeTrue("A's answer is not cut to make room: " + onA);
        onA.Tokens.Should().HaveCount(6);
        bAnswer.Status.Should().Be(200);
        var aStopped = fleet["a"].Status.RecentEvents.Last(e => e.Kind == EventKinds.Stopped).At;
        var bStarted = fleet["b"].Status.RecentEvents.Single(e => e.Kind == EventKinds.Started).At;
        // The supervisor's clock is the system's: its events and the client's end are on one time line.
        aStopped.Should().BeOnOrAfter(aFinishedAt.AddMilliseconds(-50), "A was stopped only once its answer had gone out");
        bStarted.Should().BeAfter(aStopped);
    }

    /// <returns>The stream, and when its last line arrived.</returns>
    private static async Task<(StreamOutcome Outcome, DateTimeOffset FinishedAt)> ChatStreamTo(RealFleet fleet, string model)
    {
        var request = RealFleet.Chat(model, stream: true, maxTokens: 6);
        using var content = new StringContent(request.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await fleet.Client.PostAsync("/v1/chat/completions", content, CancellationToken.None);
        var events = new List<SseEvent>();
        var done = false;
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
                continue;
            events.Add(new SseEvent(line["data: ".Length..], TimeSpan.Zero));
            done |= line == "data: [DONE]";
        }
        return (new StreamOutcome(events, done, null), DateTimeOffset.UtcNow);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_that_can_never_fit_is_refused_with_503_insufficient_memory_the_figures_and_Retry_After()
    {
        var big = Loaded();
        big["MemoryEstimate"] = "300MB";
        await using var fleet = new RealFleet(new Dictionary<string, JsonObject> { ["a"] = Loaded(), ["big"] = big }, OneFits);
        await fleet.StartAsync();

        using var content = new StringContent(RealFleet.Chat("big-model").ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await fleet.Client.PostAsync("/v1/chat/completions", content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        ((int)response.StatusCode).Should().Be(503);
        response.Headers.RetryAfter.Should().NotBeNull();
        body["error"]!["code"]!.GetValue<string>().Should().Be("insufficient_memory");
        body["error"]!["message"]!.GetValue<string>().Should().Contain("300 MB").And.Contain("250 MB");
        fleet.Spawned("big").Should().BeEmpty();
    }
}
