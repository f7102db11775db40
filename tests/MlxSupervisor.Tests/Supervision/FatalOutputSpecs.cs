using FluentAssertions;
using MlxSupervisor.Notify;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Supervision;

/// <summary>What the server prints as it fails, and how it exits, on fake time.</summary>
public sealed class FatalOutputSpecs
{
    private const string MetalOom =
        "libc++abi: terminating due to uncaught exception of type std::runtime_error: [METAL] Command buffer execution failed: Insufficient Memory (00000008:kIOGPUCommandBufferCallbackErrorOutOfMemory)";

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_fatal_line_declares_a_Running_server_dead_at_once_naming_the_line_and_counts_as_a_failure()
    {
        await using var h = new SupervisorHarness();
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);
        var deadAt = h.Time.GetUtcNow();

        h.Launcher.Started[0].PrintFatal("Exception in thread Thread-1 (_generate):");
        var backingOff = await h.WaitFor(s => s.NextRestartAt is not null);
        h.Time.SetUtcNow(backingOff.NextRestartAt!.Value);
        await h.WaitFor(_ => h.Launcher.Started.Count == 2);

        backingOff.LastExit!.Reason.Should().Be("declared dead: the generation thread died (fatal output \"Exception in thread Thread-1 (_generate):\")");
        backingOff.LastExit.At.Should().Be(deadAt, "no probe or timer is waited for");
        backingOff.ConsecutiveFailures.Should().Be(1);
        h.Supervisor.Status.RecentEvents.Last(e => e.Kind == EventKinds.Started).Cause!.Label.Should().Be(RestartCause.FatalOutput);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_fatal_line_while_the_model_loads_ends_the_start()
    {
        await using var h = new SupervisorHarness();
        h.Generation.Hold();
        h.Run();
        await h.Until(() => h.Generation.Probes == 1);

        h.Launcher.Started[0].PrintFatal("RuntimeError: [metal::malloc] Resource limit (499000) exceeded.");
        var backingOff = await h.WaitFor(s => s.NextRestartAt is not null);

        backingOff.LastExit!.Reason.Should().StartWith("declared dead: MLX hit Metal's buffer limit");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_SIGABRT_after_Metals_out_of_memory_text_is_named_in_the_event_the_last_exit_and_the_hooks_reason()
    {
        await using var h = new SupervisorHarness(o => o.Health.FatalOutput = []);
        h.Run();
        await h.WaitFor(s => s.State == SupervisorState.Running);
        var server = h.Launcher.Started[0];

        server.Stderr = ["Prompt processing progress: 4096/4096", MetalOom];
        server.Exit(134);
        var backingOff = await h.WaitFor(s => s.NextRestartAt is not null);
        h.Time.SetUtcNow(backingOff.NextRestartAt!.Value);
        var running = await h.WaitFor(s => s.State == SupervisorState.Running && h.Launcher.Started.Count == 2);

        backingOff.LastExit!.Reason.Should().Be("exited code=134 (SIGABRT: Metal ran out of GPU memory)");
        h.Supervisor.Status.RecentEvents.Should().Contain(e => e.Kind == EventKinds.Exited && e.Message.Contains("Metal ran out of GPU memory"));
        var restart = h.Supervisor.Status.RecentEvents.Last(e => e.Kind == EventKinds.Started);
        HookEventSource.Observe("default", restart, running)!.Environment()["MLXSUP_REASON"].Should().Contain("Metal ran out of GPU memory");
    }
}
