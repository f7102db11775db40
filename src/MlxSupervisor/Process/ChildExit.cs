namespace MlxSupervisor.Process;

/// <summary>The exit of a child of this process, as the runtime's own SIGCHLD handling sees it.</summary>
/// <remarks>
/// CliWrap reports an exit only once the output pipes close, and a helper the server started can hold them open
/// after the server is gone. The runtime reaps every child it started on SIGCHLD (a waitpid here would race it),
/// and a <see cref="System.Diagnostics.Process"/> opened on the same pid joins that child's wait state rather than
/// polling with kill(pid, 0) (ProcessWaitState.Unix.cs in dotnet/runtime). So the exit is seen as the signal
/// arrives, with no timer, where watching the pid meant waking every few milliseconds while the server lived.
/// That object may not read the exit code ("Process was not started by this object"): the code still comes
/// from CliWrap.
/// </remarks>
internal static class ChildExit
{
    /// <summary>Completes when child <paramref name="pid"/> has exited and been reaped.</summary>
    public static async Task WaitAsync(int pid)
    {
        System.Diagnostics.Process child;
        try
        {
            child = System.Diagnostics.Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return; // Already reaped.
        }

        using (child)
            await child.WaitForExitAsync();
    }
}
