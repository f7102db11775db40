using System.Runtime.InteropServices;

namespace MlxSupervisor.SimServer.Native;

/// <summary>The only place that knows about libc.</summary>
internal static partial class NativeMethods
{
    public const int SigKill = 9;

    // SIG_DFL is the null handler on Linux and macOS alike.
    private static readonly nint DefaultHandler = 0;

    // RLIMIT_CORE is 4 on Linux and macOS alike.
    private const int CoreSizeLimit = 4;

    /// <summary>
    /// Dies by <paramref name="signal"/> so the parent sees a real signal death, not an exit code.
    /// </summary>
    /// <remarks>
    /// The .NET runtime installs its own handlers for SIGTERM, SIGINT, SIGQUIT and friends and may turn them
    /// into an orderly exit (and our own <c>PosixSignalRegistration</c> may even ignore them), so the
    /// default disposition is restored first. SIGKILL cannot be caught, so for it this is a no-op.
    /// SIGABRT, SIGQUIT and SIGSEGV dump core by default: a test double that dies that way on purpose, many
    /// times a test run, must not leave a core file of its whole heap each time, so the core limit goes to 0.
    /// </remarks>
    public static void KillSelf(int signal)
    {
        var noCore = new ResourceLimit(0, 0);
        _ = SetResourceLimit(CoreSizeLimit, in noCore);
        _ = SetSignalHandler(signal, DefaultHandler);
        _ = Kill(Environment.ProcessId, signal);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetResourceLimit(int resource, in ResourceLimit limit);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SetSignalHandler(int signal, nint handler);

    /// <summary><c>struct rlimit</c>: rlim_t is 64 bits on 64-bit Linux and on macOS.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct ResourceLimit(ulong Current, ulong Maximum);
}
