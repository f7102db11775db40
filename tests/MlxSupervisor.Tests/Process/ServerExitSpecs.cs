using FluentAssertions;
using MlxSupervisor.Process;
using Xunit;

namespace MlxSupervisor.Tests.Process;

public sealed class ServerExitSpecs
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private const string MetalOom =
        "libc++abi: terminating due to uncaught exception of type std::runtime_error: [METAL] Command buffer execution failed: Insufficient Memory (00000008:kIOGPUCommandBufferCallbackErrorOutOfMemory)";

    [Fact]
    public void A_SIGABRT_after_Metals_out_of_memory_text_is_named_as_Metal_running_out_of_GPU_memory()
    {
        new ServerExit(134, At).Describe(["Prompt processing progress: 2048/2048", MetalOom])
            .Should().Be("code=134 (SIGABRT: Metal ran out of GPU memory)");
    }

    [Fact]
    public void Any_other_SIGABRT_is_the_server_aborting()
    {
        new ServerExit(134, At).Describe(["Assertion failed: (x), function f"]).Should().Be("code=134 (SIGABRT: the server aborted)");
    }

    [Fact]
    public void A_SIGKILL_keeps_its_memory_hint()
    {
        new ServerExit(137, At).Describe([MetalOom]).Should().Be("code=137 (SIGKILL, often the system killing it for memory)");
    }

    [Fact]
    public void An_adopted_server_exits_with_a_code_the_daemon_cannot_know()
    {
        new ServerExit(null, At) { NotOurChild = true }.Describe().Should().Contain("adopted");
    }
}
