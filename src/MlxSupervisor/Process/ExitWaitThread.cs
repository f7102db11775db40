namespace MlxSupervisor.Process;

/// <summary>
/// The wait of an <see cref="IProcessExitWatcher"/>: one dedicated thread blocked in the kernel (poll on a pidfd,
/// kevent on a kqueue) until the process exits or the wait is woken for cancellation, so nothing polls on a timer
/// and no pool thread is held for the server's whole life.
/// </summary>
internal static class ExitWaitThread
{
    /// <summary>The thread only calls into the kernel and completes a task.</summary>
    private const int StackBytes = 256 * 1024;

    /// <param name="block">Blocks until the process exits (true) or <paramref name="wake"/> was called (false);
    /// null with an errno when the kernel call failed.</param>
    /// <param name="wake">Makes <paramref name="block"/> return; called from the thread that cancels.</param>
    /// <param name="release">Closes the descriptors; runs once, after the wait, and never while a wake runs.</param>
    public static Task Start(int pid, Func<(bool? Exited, int Errno)> block, Action wake, Action release, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Runs at once when the token is already cancelled: the wait then returns as soon as it starts.
        var registration = cancellationToken.UnsafeRegister(_ => wake(), null);
        var thread = new Thread(() =>
        {
            (bool? Exited, int Errno) result = (null, 0);
            Exception? failure = null;
            try
            {
                result = block();
            }
            catch (Exception e)
            {
                failure = e; // On a thread of its own, an exception left unhandled would end the daemon.
            }
            // Waits for a wake under way, so release never closes a descriptor that a wake is writing to.
            registration.Dispose();
            release();
            if (failure is not null)
                done.SetException(failure);
            else if (result.Exited is true)
                done.SetResult();
            else if (result.Exited is false)
                done.SetCanceled(cancellationToken);
            else
                done.SetException(new IOException($"waiting for pid {pid} to exit failed: {NativeMethods.Describe(result.Errno)}"));
        }, StackBytes)
        {
            IsBackground = true,
            Name = $"exit watch {pid}",
        };
        thread.Start();
        return done.Task;
    }
}
