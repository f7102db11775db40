using FluentAssertions;
using MlxSupervisor.Process;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.FrontDoor;

/// <summary>Clients see queueing, not connection failures, through crashes and restarts.</summary>
public sealed class HeldThroughRestartsSpecs
{
    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_request_that_arrives_while_the_server_starts_waits_for_it_and_completes()
    {
        await using var door = new RealFrontDoor(["--startup-delay-ms", "700", "--tokens", "3"]);
        await door.StartAsync(untilRunning: false);

        var outcome = await ChatStream.Start(door.Client).Outcome.WaitAsync(Timeouts.Wait);

        outcome.Done.Should().BeTrue(outcome.ToString());
        door.Stats.Snapshot().LongestQueueWait.Should().BePositive("the request waited for the server to be healthy");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Killing_the_server_mid_load_completes_the_queued_requests_after_the_restart_and_cuts_the_streams_in_flight()
    {
        // Twenty seconds of tokens for the streams in flight, so they are surely mid-stream at the kill; five for the queued ones.
        await using var door = new RealFrontDoor(["--tokens", "400", "--token-delay-ms", "50"], o => o.Proxy.MaxConcurrentRequests = 2);
        await door.StartAsync();
        var pid = door.Current.Pid!.Value;
        var inFlight = new[] { ChatStream.Start(door.Client), ChatStream.Start(door.Client) };
        await Task.WhenAll(inFlight.Select(s => s.FirstEvent)).WaitAsync(Timeouts.Wait);
        var queued = Enumerable.Range(0, 3).Select(_ => ChatStream.Start(door.Client, maxTokens: 5)).ToList();
        await door.FiguresUntil(f => f.Queued == 3);

        NativeMethods.Kill(pid, Signals.SIGKILL);

        var cut = await Task.WhenAll(inFlight.Select(s => s.Outcome)).WaitAsync(Timeouts.Wait);
        cut.Should().AllSatisfy(o =>
        {
            o.Done.Should().BeFalse("a stream whose bytes reached the client is never replayed");
            o.Error.Should().NotBeNull().And.NotBeOfType<EndOfStreamException>("the client sees an error, not a stream that merely stops");
        });
        var completed = await Task.WhenAll(queued.Select(s => s.Outcome)).WaitAsync(Timeouts.Wait);
        completed.Should().AllSatisfy(o => o.Done.Should().BeTrue(o.ToString()));
        completed.Should().AllSatisfy(o => o.Tokens.Should().HaveCount(5));
        (await door.Supervisor.WaitFor(s => s.Restarts == 1)).Pid.Should().NotBe(pid);
        door.Stats.Snapshot().Failed.Should().Be(2);
    }
}
