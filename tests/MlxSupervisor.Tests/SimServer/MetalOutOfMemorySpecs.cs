using System.Net;
using FluentAssertions;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.SimServer;

/// <summary>The sim aborts as MLX does when Metal runs out of GPU memory (mlx-lm #1390; issue 12).</summary>
public sealed class MetalOutOfMemorySpecs
{
    private const string AbortLine = "libc++abi: terminating due to uncaught exception of type std::runtime_error: "
        + "[METAL] Command buffer execution failed: Insufficient Memory (00000008:kIOGPUCommandBufferCallbackErrorOutOfMemory)";

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_nth_completion_request_prints_libcxxabis_line_and_dies_of_SIGABRT_with_status_134()
    {
        await using var sim = await SimProcess.StartAsync("--metal-oom-at-request", "2");

        using (var first = await sim.Client.SendAsync(ChatStream.Request(stream: false)))
            first.StatusCode.Should().Be(HttpStatusCode.OK, "only the second request runs out of memory");
        var second = () => sim.Client.SendAsync(ChatStream.Request(stream: true));
        await second.Should().ThrowAsync<HttpRequestException>("the process dies under the request");
        var status = await sim.WaitForExitAsync();

        status.Should().Be(134, "128 + SIGABRT: a real death by signal, as libc++'s abort leaves it");
        sim.Stderr.Should().Equal([AbortLine], "the line reaches the pipe before the abort, and nothing else is printed");
    }
}
