using MlxSupervisor.SimServer.Output;

namespace MlxSupervisor.SimServer.Faults;

/// <summary>
/// <c>--metal-oom-at-request N</c>: the N-th completion request runs Metal out of GPU memory. MLX throws from a
/// Metal completion handler where nothing catches it, so libc++ prints one line and aborts: the parent sees a
/// death by SIGABRT, exit status 134 to a shell (mlx-lm #1390).
/// </summary>
internal sealed class MetalOutOfMemory(int? atRequest, SimConsole console)
{
    public const string AbortLine = "libc++abi: terminating due to uncaught exception of type std::runtime_error: "
        + "[METAL] Command buffer execution failed: Insufficient Memory (00000008:kIOGPUCommandBufferCallbackErrorOutOfMemory)";

    // 128 + SIGABRT: SelfTermination really sends the signal, so the parent sees a signal death.
    private const int AbortedBySignal = 134;

    private int _arrived;

    public void OnArrival()
    {
        if (atRequest is not { } n || Interlocked.Increment(ref _arrived) != n)
            return;

        console.FlushStdout();
        // SimConsole writes stderr straight to descriptor 2, unbuffered: the line is in the pipe before the signal.
        console.Error(AbortLine);
        SelfTermination.Terminate(AbortedBySignal);
    }
}
