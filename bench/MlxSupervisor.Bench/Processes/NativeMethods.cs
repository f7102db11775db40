using System.Runtime.InteropServices;

namespace MlxSupervisor.Bench.Processes;

/// <summary>
/// The bench's only libc calls: .NET can send SIGKILL (Process.Kill) but not SIGSTOP, SIGCONT or SIGTERM, and
/// has no API for the clock tick that /proc/[pid]/stat counts CPU time in.
/// </summary>
internal static partial class NativeMethods
{
    private const string LibC = "libc";
    private const int ScClkTck = 2; // _SC_CLK_TCK on Linux.

    static NativeMethods() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, (name, _, _) =>
            name == LibC ? NativeLibrary.Load("libc.so.6") : IntPtr.Zero);

    [LibraryImport(LibC, EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);

    [LibraryImport(LibC, EntryPoint = "sysconf")]
    private static partial long SysConf(int name);

    /// <returns>0, or the errno (3 = ESRCH when nothing is there).</returns>
    public static int Kill(int pid, int signal) => KillNative(pid, signal) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Clock ticks per second of the utime/stime fields in /proc/[pid]/stat (USER_HZ, 100 on Linux).</summary>
    public static long ClockTicksPerSecond { get; } = SysConf(ScClkTck);
}
