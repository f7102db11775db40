using System.Runtime.InteropServices;

namespace MlxSupervisor.SimServer.Native;

/// <summary>The only place that knows about libc.</summary>
internal static partial class NativeMethods
{
    public const int SigKill = 9;

    // SIG_DFL is the null handler on Linux and macOS alike.
    private static readonly nint DefaultHandler = 0;

    /// <summary>
    /// Dies by <paramref name="signal"/> so the parent sees a real signal death, not an exit code.
    /// </summary>
    /// <remarks>
    /// The .NET runtime installs its own handlers for SIGTERM, SIGINT, SIGQUIT and friends and may turn them
    /// into an orderly exit (and our own <c>PosixSignalRegistration</c> may even ignore them), so the
    /// default disposition is restored first. SIGKILL cannot be caught, so for it this is a no-op.
    /// </remarks>
    public static void KillSelf(int signal)
    {
        _ = SetSignalHandler(signal, DefaultHandler);
        _ = Kill(Environment.ProcessId, signal);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SetSignalHandler(int signal, nint handler);
}
