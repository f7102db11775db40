namespace MlxSupervisor.Process;

/// <summary>
/// Linux: a pidfd (pidfd_open(2), Linux 5.3) polls readable once its process has exited, zombie or reaped, so the
/// exit of a process that is not our child is seen the moment it happens; an eventfd beside it in the same poll
/// ends the wait on cancellation.
/// </summary>
internal sealed class PidfdExitWatcher : IProcessExitWatcher
{
    public Task WaitForExitAsync(int pid, CancellationToken cancellationToken)
    {
        var pidfd = NativeMethods.PidfdOpen(pid, out var errno);
        if (pidfd < 0)
            return errno == NativeMethods.ESRCH ? Task.CompletedTask : throw Refused(pid, "pidfd_open", errno);
        var wake = NativeMethods.EventFd(out errno);
        if (wake < 0)
        {
            NativeMethods.Close(pidfd);
            throw Refused(pid, "eventfd", errno);
        }

        return ExitWaitThread.Start(pid,
            () => (NativeMethods.PollReadable(pidfd, wake, out var pollErrno), pollErrno),
            () => NativeMethods.SignalEventFd(wake),
            () =>
            {
                NativeMethods.Close(pidfd);
                NativeMethods.Close(wake);
            },
            cancellationToken);
    }

    private static IOException Refused(int pid, string call, int errno) =>
        new($"cannot watch pid {pid}: {call} failed: {NativeMethods.Describe(errno)}");
}
