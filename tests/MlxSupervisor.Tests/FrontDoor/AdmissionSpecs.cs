using System.Net;
using System.Text.Json;
using FluentAssertions;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.FrontDoor;

/// <summary>Who gets to the server, who waits, and who is told to come back later.</summary>
public sealed class AdmissionSpecs
{
    /// <summary>Twenty seconds of tokens: a request that holds its turn for the whole test.</summary>
    private static readonly string[] LongGenerations = ["--tokens", "1000", "--token-delay-ms", "20"];

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_request_beyond_the_queue_limit_gets_429_with_Retry_After_and_an_OpenAI_error()
    {
        await using var door = new RealFrontDoor(LongGenerations, o => (o.Proxy.MaxConcurrentRequests, o.Proxy.QueueLimit) = (1, 1));
        await door.StartAsync();
        await ChatStream.Start(door.Client).FirstEvent.WaitAsync(Timeouts.Wait);
        _ = ChatStream.Start(door.Client);
        await door.FiguresUntil(f => f.Queued == 1);

        using var response = await door.Client.SendAsync(ChatStream.Request(stream: false));

        response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
        var error = await ErrorOf(response);
        error.GetProperty("code").GetString().Should().Be("queue_full");
        error.GetProperty("type").GetString().Should().Be("requests");
        error.GetProperty("message").GetString().Should().NotBeNullOrEmpty();
        door.Stats.Snapshot().Rejected[Rejection.QueueFull].Should().Be(1);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_request_still_waiting_after_the_queue_timeout_gets_429()
    {
        await using var door = new RealFrontDoor(LongGenerations,
            o => (o.Proxy.MaxConcurrentRequests, o.Proxy.QueueTimeout) = (1, TimeSpan.FromMilliseconds(300)));
        await door.StartAsync();
        await ChatStream.Start(door.Client).FirstEvent.WaitAsync(Timeouts.Wait);

        var sent = DateTime.UtcNow;
        using var response = await door.Client.SendAsync(ChatStream.Request(stream: false));

        response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        // The queue timeout's timer may fire up to a tick of the runtime's coarse clock early: a few ms of slack.
        (DateTime.UtcNow - sent).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300 - 5));
        response.Headers.RetryAfter!.Delta.Should().BePositive();
        (await ErrorOf(response)).GetProperty("code").GetString().Should().Be("queue_timeout");
        door.Stats.Snapshot().Rejected[Rejection.QueueTimeout].Should().Be(1);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_client_that_disconnects_while_queued_leaves_the_queue_at_once_and_never_reaches_the_server()
    {
        await using var door = new RealFrontDoor(LongGenerations, o => o.Proxy.MaxConcurrentRequests = 1);
        await door.StartAsync();
        var probesAtStart = (await door.SimStatsAsync()).TotalRequests; // The readiness probe's token.
        using var first = new CancellationTokenSource();
        var inFlight = ChatStream.Start(door.Client, cancellationToken: first.Token);
        await inFlight.FirstEvent.WaitAsync(Timeouts.Wait);
        using var leaving = new CancellationTokenSource();
        var queued = ChatStream.Start(door.Client, cancellationToken: leaving.Token);
        await door.FiguresUntil(f => f.Queued == 1);

        await leaving.CancelAsync();

        var figures = await door.FiguresUntil(f => f.Queued == 0);
        figures.AbandonedInQueue.Should().Be(1);
        figures.InFlight.Should().Be(1, "the first request still holds the only turn, so the queue was left, not served");
        (await queued.Outcome).Done.Should().BeFalse();

        // Once the turn is free, the next request in line is a new one: the one that left is gone for good.
        await first.CancelAsync();
        await door.FiguresUntil(f => f.InFlight == 0);
        (await ChatStream.Start(door.Client, maxTokens: 2).Outcome.WaitAsync(Timeouts.Wait)).Done.Should().BeTrue();
        (await door.SimStatsAsync()).TotalRequests.Should().Be(probesAtStart + 2, "the first request and the last reached the server, the one that left never did");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task While_the_circuit_is_open_a_request_gets_503_with_Retry_After_the_seconds_left_until_the_half_open_trial()
    {
        await using var door = new RealFrontDoor([], o =>
        {
            o.Server.Command = Path.Combine(Path.GetTempPath(), "mlxsup-no-such-server");
            o.CircuitBreaker.FailureThreshold = 1;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
        });
        await door.StartAsync(untilRunning: false);
        var open = await door.Supervisor.WaitFor(s => s.State == SupervisorState.CircuitOpen);

        using var response = await door.Client.SendAsync(ChatStream.Request(stream: false));
        var left = open.CircuitReopensAt!.Value - DateTimeOffset.UtcNow;

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(Math.Floor(left.TotalSeconds), Math.Ceiling(left.TotalSeconds) + 1);
        var error = await ErrorOf(response);
        error.GetProperty("code").GetString().Should().Be("circuit_open");
        error.GetProperty("type").GetString().Should().Be("server_error");
    }

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").Clone();
    }
}
