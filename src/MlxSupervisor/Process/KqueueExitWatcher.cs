namespace MlxSupervisor.Process;

/// <summary>
/// macOS: a kqueue with EVFILT_PROC/NOTE_EXIT fires when its process exits; an EVFILT_USER event on the same
/// kqueue ends the wait on cancellation. Compiled everywhere, run only on macOS.
/// </summary>
internal sealed class KqueueExitWatcher : IProcessExitWatcher
{
    public Task WaitForExitAsync(int pid, CancellationToken cancellationToken)
    {
        var kq = NativeMethods.KqueueForExit(pid, out var errno);
        if (kq < 0)
        {
            return errno == NativeMethods.ESRCH
                ? Task.CompletedTask
                : throw new IOException($"cannot watch pid {pid}: kqueue failed: {NativeMethods.Describe(errno)}");
        }

        return ExitWaitThread.Start(pid,
            () => (NativeMethods.WaitKqueue(kq, out var waitErrno), waitErrno),
            () => NativeMethods.WakeKqueue(kq),
            () => NativeMethods.Close(kq),
            cancellationToken);
    }
}
