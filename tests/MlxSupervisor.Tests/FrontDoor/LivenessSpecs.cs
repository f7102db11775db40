using FluentAssertions;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.FrontDoor;

/// <summary>Busy is not dead, and quiet with requests in flight is wedged.</summary>
public sealed class LivenessSpecs
{
    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_whose_health_blocks_while_it_streams_is_not_restarted_during_a_long_generation()
    {
        // Three seconds of tokens; unanswered probes every 200 ms would declare the server dead after about 0.6 s.
        await using var door = new RealFrontDoor(["--health-blocks-while-generating", "--tokens", "60", "--token-delay-ms", "50"], o =>
        {
            o.Health.Interval = TimeSpan.FromMilliseconds(200);
            o.Health.Timeout = TimeSpan.FromMilliseconds(150);
        });
        await door.StartAsync();
        var pid = door.Current.Pid;

        var outcome = await ChatStream.Start(door.Client).Outcome.WaitAsync(Timeouts.Wait);

        outcome.Done.Should().BeTrue(outcome.ToString());
        door.Supervisor.Events.Should().Contain(e => e.Kind == "strike-waived", "probes failed while the server streamed");
        door.Supervisor.Logs.Contains("not counted as a strike").Should().BeTrue();
        door.Current.Pid.Should().Be(pid);
        door.Current.LastExit.Should().BeNull();
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_that_stops_sending_mid_stream_is_restarted_after_the_stall_timeout()
    {
        await using var door = new RealFrontDoor(["--stall-after-tokens", "3", "--tokens", "20", "--token-delay-ms", "20"],
            o => o.Proxy.StallTimeout = TimeSpan.FromSeconds(1));
        await door.StartAsync();
        var pid = door.Current.Pid;
        var stream = ChatStream.Start(door.Client);
        await stream.FirstEvent.WaitAsync(Timeouts.Wait);
        var stalledAt = DateTime.UtcNow;

        var restarted = await door.Supervisor.WaitFor(s => s.Pid is not null && s.Pid != pid && s.State == SupervisorState.Running);

        (DateTime.UtcNow - stalledAt).Should().BeGreaterThan(TimeSpan.FromSeconds(0.9));
        restarted.LastExit!.Reason.Should().StartWith("stalled: 1 requests in flight and no byte from the server");
        door.Supervisor.Logs.Contains("The server is wedged").Should().BeTrue();
        door.Stats.Snapshot().Stalls.Should().Be(1);
        var outcome = await stream.Outcome.WaitAsync(Timeouts.Wait);
        outcome.Done.Should().BeFalse();
        outcome.Tokens.Should().HaveCount(3);
    }
}
