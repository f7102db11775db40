using FluentAssertions;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.FrontDoor;

/// <summary>
/// The incident: 4-6 parallel requests ran the server out of memory. The simulated server is SIGKILLed, as the kernel
/// killed the real one, when more than 5 generation requests are in flight.
/// </summary>
public sealed class IncidentReplaySpecs
{
    /// <summary>Three seconds of tokens per request, so that six requests sent together are surely in flight together.</summary>
    private static readonly string[] OomAboveFive = ["--max-in-flight", "5", "--tokens", "60", "--token-delay-ms", "50"];

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Six_parallel_streams_straight_at_the_server_kill_it()
    {
        await using var door = new RealFrontDoor(OomAboveFive);
        await door.StartAsync();
        var pid = door.Current.Pid;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => ChatStream.Start(door.Direct).Outcome)).WaitAsync(Timeouts.Wait);

        var killed = await door.Supervisor.WaitFor(s => s.LastExit is not null);
        killed.LastExit!.Signal.Should().Be("SIGKILL", "the sixth request in flight kills the server");
        door.Supervisor.Events.Should().Contain(e => e.Kind == "exited" && e.Message.Contains($"pid={pid}", StringComparison.Ordinal));
        outcomes.Should().Contain(o => !o.Done, "the requests in flight die with the server");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Through_the_front_door_with_a_limit_of_four_all_six_streams_complete_and_the_server_is_never_restarted()
    {
        await using var door = new RealFrontDoor(OomAboveFive, o => o.Proxy.MaxConcurrentRequests = 4);
        await door.StartAsync();
        var pid = door.Current.Pid;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => ChatStream.Start(door.Client).Outcome)).WaitAsync(Timeouts.Wait);

        outcomes.Should().AllSatisfy(o => o.Done.Should().BeTrue(o.ToString()));
        outcomes.Should().AllSatisfy(o => o.Tokens.Should().HaveCount(60));
        var stats = await door.SimStatsAsync();
        stats.Pid.Should().Be(pid!.Value);
        stats.MaxInFlight.Should().Be(4, "the front door lets four through at once and queues the rest");
        door.Current.Restarts.Should().Be(0);
        door.Current.LastExit.Should().BeNull();
        door.Stats.Snapshot().Admitted.Should().Be(6);
    }
}
