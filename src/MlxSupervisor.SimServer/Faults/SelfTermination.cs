using MlxSupervisor.SimServer.Native;

namespace MlxSupervisor.SimServer.Faults;

/// <summary>Ends the process the way a crash would: with an exit code, or by a real signal.</summary>
internal static class SelfTermination
{
    private const int SignalBase = 128;
    private const int HighestSignal = 31;

    /// <summary>
    /// Exit codes 129–159 follow the shell's convention for "killed by signal (code − 128)": the process
    /// really sends itself that signal, so the parent sees a signal death (137 = SIGKILL, as the kernel's
    /// out-of-memory killer would leave it), not an exit code that merely looks like one.
    /// </summary>
    public static void Terminate(int exitCode)
    {
        if (exitCode > SignalBase && exitCode <= SignalBase + HighestSignal)
        {
            NativeMethods.KillSelf(exitCode - SignalBase);

            // Still here: that signal's default action does not terminate (SIGCHLD, SIGCONT, SIGWINCH…).
            // Fall back to the plain exit code rather than live on.
            Thread.Sleep(200);
        }

        Environment.Exit(exitCode);
    }
}
