namespace MlxSupervisor.Process;

/// <summary>
/// Waits for the exit of a process that is not the daemon's child (an adopted server), which neither waitpid nor
/// the runtime's SIGCHLD handling can see. Linux: <see cref="PidfdExitWatcher"/>; macOS: <see cref="KqueueExitWatcher"/>.
/// </summary>
internal interface IProcessExitWatcher
{
    /// <summary>
    /// Completes when <paramref name="pid"/> has exited; a zombie has, and a pid with no process completes at once.
    /// The process is pinned by the time this returns: one that gets the same pid later is not the one watched,
    /// so a caller that checks the process's identity after the call knows what it watches.
    /// </summary>
    /// <returns>A task that is cancelled when <paramref name="cancellationToken"/> is, its kernel resources released.</returns>
    /// <exception cref="IOException">The kernel would not watch it (a Linux older than 5.3 has no pidfd_open).</exception>
    Task WaitForExitAsync(int pid, CancellationToken cancellationToken);
}
