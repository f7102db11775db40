using System.Net.Http.Json;
using FluentAssertions;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Supervision;

/// <summary>
/// A server that answers, not only one that is alive: the simulated server behaves as mlx_lm.server 0.31.3+ does
/// (health at once, the model afterwards; a generation thread that dies, loudly or silently), on loopback.
/// </summary>
public sealed class AnsweringServerSpecs
{
    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_that_loads_its_model_after_opening_its_port_is_not_Running_until_loaded_and_a_request_sent_meanwhile_is_answered()
    {
        await using var door = new RealFrontDoor(["--load-ms", "1500", "--tokens", "3"]);
        await door.StartAsync(untilRunning: false);
        await door.Supervisor.WaitFor(s => s.State == SupervisorState.Starting && s.Health.LastOkAt is null
            && s.Reason.Contains("first token", StringComparison.Ordinal));
        (await door.Direct.GetAsync("/health")).IsSuccessStatusCode.Should().BeTrue("its port is open and /health answers while it loads");

        var answer = ChatStream.Start(door.Client, maxTokens: 3).Outcome;
        var running = await door.Supervisor.WaitFor(s => s.State == SupervisorState.Running);
        var outcome = await answer.WaitAsync(Timeouts.Wait);

        outcome.Done.Should().BeTrue(outcome.ToString());
        outcome.Tokens.Should().HaveCount(3);
        (running.Since - running.ServerStartedAt!.Value).Should().BeGreaterThan(TimeSpan.FromMilliseconds(1400), "Running waits for the load");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_model_that_never_loads_is_replaced_at_the_startup_timeout()
    {
        // Long enough for a busy 2-core machine to start the simulated server's runtime and open its port, so the
        // timeout is spent waiting for the first token, which is what this spec is about.
        await using var supervisor = new RealSupervisor(["--never-loads"], o => o.Health.StartupTimeout = TimeSpan.FromSeconds(5));
        supervisor.Run();

        var backingOff = await supervisor.WaitFor(s => s.LastExit is not null);
        await supervisor.WaitFor(_ => supervisor.Launcher.Started.Count >= 2);

        backingOff.LastExit!.Reason.Should().Be("not ready within the startup timeout of 5 s (generation probe: no first token)");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_model_that_fails_to_load_is_a_failed_start_naming_the_servers_404_and_its_reason()
    {
        await using var supervisor = new RealSupervisor(["--load-fails", "Repository Not Found for url: mlx-community/Nope-4bit"]);
        supervisor.Run();

        var backingOff = await supervisor.WaitFor(s => s.NextRestartAt is not null);

        backingOff.LastExit!.Reason.Should().Be(
            "the model failed to load: generation probe got HTTP 404: Repository Not Found for url: mlx-community/Nope-4bit");
        backingOff.ConsecutiveFailures.Should().Be(1);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_loud_zombie_is_replaced_within_seconds_of_its_traceback_with_no_client_and_no_setting_changed()
    {
        // The readiness probe is the first completion: the generation thread dies right after it.
        await using var supervisor = new RealSupervisor(["--generation-dies-after", "1"], o =>
        {
            o.Health.FatalOutput = ["^Exception in thread .*\\(_generate\\)", "\\[metal::malloc\\] Resource limit"];
            o.Restart.ResetAfter = TimeSpan.FromSeconds(30);
        });
        supervisor.Run();

        // Each server dies right after its first completion, which may come before or after it is called Running.
        var dead = await supervisor.WaitFor(s => s.LastExit is not null);
        var declared = supervisor.Events.First(e => e.Kind == EventKinds.DeclaredDead);
        var started = supervisor.Events.First(e => e.Kind == EventKinds.Started && e.Pid == declared.Pid);
        await supervisor.WaitFor(s => s.State == SupervisorState.Running && s.Pid != declared.Pid);

        dead.LastExit!.Reason.Should().StartWith("declared dead: the generation thread died (fatal output \"Exception in thread Thread-1 (_generate):\")");
        (declared.At - started.At).Should().BeLessThan(TimeSpan.FromSeconds(3), "no probe or timeout is waited for: the traceback is enough");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_silent_idle_zombie_is_found_by_the_generation_probe_and_replaced()
    {
        await using var supervisor = new RealSupervisor(["--generation-dies-after", "1", "--silent-death"], o =>
        {
            o.Health.Generation.Interval = TimeSpan.FromMilliseconds(300);
            o.Health.Generation.Timeout = TimeSpan.FromMilliseconds(500);
            o.Restart.ResetAfter = TimeSpan.FromSeconds(30);
        });
        supervisor.Run();
        var first = (await supervisor.WaitFor(s => s.State == SupervisorState.Running)).Pid;

        var dead = await supervisor.WaitFor(s => s.LastExit is not null, TimeSpan.FromSeconds(5));

        dead.LastExit!.Reason.Should().Be("declared dead: generation probe: no token within 0.5 s");
        dead.Health.Strikes.Should().Be(0, "its /health answered 200 to the end: only asking it to generate told");
        await supervisor.WaitFor(s => s.State == SupervisorState.Running && s.Pid != first);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_busy_zombies_waiting_client_is_answered_by_the_replacement()
    {
        // Dies after the readiness probe and one client answer; the second client's request then hangs without a byte.
        await using var door = new RealFrontDoor(["--generation-dies-after", "2", "--silent-death", "--tokens", "3"], o =>
        {
            o.Proxy.StallTimeout = TimeSpan.FromSeconds(1);
            o.Restart.ResetAfter = TimeSpan.FromSeconds(30);
        });
        await door.StartAsync();
        var first = door.Current.Pid;
        (await ChatStream.Start(door.Client, maxTokens: 3).Outcome.WaitAsync(Timeouts.Wait)).Done.Should().BeTrue();

        var waiting = await ChatStream.Start(door.Client, maxTokens: 3).Outcome.WaitAsync(Timeouts.Wait);

        waiting.Done.Should().BeTrue(waiting.ToString());
        waiting.Tokens.Should().HaveCount(3);
        door.Current.Pid.Should().NotBe(first);
        door.Supervisor.Events.Should().Contain(e => e.Kind == EventKinds.Exited || e.Kind == EventKinds.Stopped);
        door.Stats.Snapshot().Stalls.Should().Be(1, "with a client in flight the stall rule judged the server");
    }
}
