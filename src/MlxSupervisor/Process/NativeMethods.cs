using System.Runtime.InteropServices;

namespace MlxSupervisor.Process;

/// <summary>
/// The only place that knows about libc. .NET can send SIGKILL (<c>Process.Kill</c>) but not SIGTERM, and has
/// no way to put a child in its own process group, so those few calls are made by hand.
/// </summary>
internal static partial class NativeMethods
{
    // "libc" is not a file name on glibc (libc.so is a linker script there), so name the real library per OS.
    private const string LibC = "libc";

    public const int ESRCH = 3;
    public const int EPERM = 1;
    public const int EINTR = 4;

    static NativeMethods() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, (name, assembly, path) =>
            name == LibC
                ? NativeLibrary.Load(OperatingSystem.IsMacOS() ? "/usr/lib/libSystem.B.dylib" : "libc.so.6")
                : IntPtr.Zero);

    [LibraryImport(LibC, EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);

    [LibraryImport(LibC, EntryPoint = "setpgid", SetLastError = true)]
    private static partial int SetPgidNative(int pid, int pgid);

    [LibraryImport(LibC, EntryPoint = "execv", SetLastError = true)]
    private static unsafe partial int ExecvNative(byte* path, byte** argv);

    [LibraryImport(LibC, EntryPoint = "signal", SetLastError = true)]
    private static partial IntPtr SignalNative(int signal, IntPtr handler);

    [LibraryImport(LibC, EntryPoint = "sigprocmask", SetLastError = true)]
    private static unsafe partial int SigProcMaskNative(int how, byte* set, byte* oldSet);

    [LibraryImport(LibC, EntryPoint = "close", SetLastError = true)]
    private static partial int CloseNative(int fd);

    [LibraryImport(LibC, EntryPoint = "sysconf", SetLastError = true)]
    private static partial long SysconfNative(int name);

    [LibraryImport(LibC, EntryPoint = "strerror")]
    private static partial IntPtr StrErrorNative(int errno);

    /// <summary>Sends <paramref name="signal"/>; a negative pid addresses a whole process group.</summary>
    /// <returns>0, or the errno (ESRCH when nothing is there to signal).</returns>
    public static int Kill(int pid, int signal) => KillNative(pid, signal) == 0 ? 0 : Marshal.GetLastPInvokeError();

    public static int SetOwnProcessGroup() => SetPgidNative(0, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Undoes what the .NET runtime set up that an exec would otherwise pass on to the server.</summary>
    public static unsafe void ResetSignalsForExec()
    {
        // The runtime ignores SIGPIPE; an ignored signal survives exec, and Python would inherit it.
        SignalNative(Signals.SIGPIPE, IntPtr.Zero);
        // An empty mask; 128 bytes covers Linux's sigset_t, macOS reads only the first 4.
        var empty = stackalloc byte[128];
        new Span<byte>(empty, 128).Clear();
        SigProcMaskNative(OperatingSystem.IsMacOS() ? 3 : 2, empty, null);
    }

    /// <summary>Replaces this process with <paramref name="path"/>; returns the errno only if that failed.</summary>
    public static unsafe int Exec(string path, IReadOnlyList<string> argv)
    {
        var native = new IntPtr[argv.Count + 1];
        var pathPtr = Marshal.StringToCoTaskMemUTF8(path);
        try
        {
            for (var i = 0; i < argv.Count; i++)
                native[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
            fixed (IntPtr* args = native)
                ExecvNative((byte*)pathPtr, (byte**)args);
            return Marshal.GetLastPInvokeError();
        }
        finally
        {
            Marshal.FreeCoTaskMem(pathPtr);
            foreach (var p in native)
                Marshal.FreeCoTaskMem(p);
        }
    }

    /// <summary>Closes a descriptor this process opened by hand (a pidfd, an eventfd, a kqueue).</summary>
    public static void Close(int fd) => CloseNative(fd);

    /// <summary>sysconf(_SC_CLK_TCK): the unit of the start time in /proc/[pid]/stat.</summary>
    public static long ClockTicksPerSecond() => SysconfNative(OperatingSystem.IsMacOS() ? 3 : 2);

    public static string Describe(int errno) => Marshal.PtrToStringUTF8(StrErrorNative(errno)) ?? $"errno {errno}";
}
