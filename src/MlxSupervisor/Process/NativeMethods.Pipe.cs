using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MlxSupervisor.Process;

internal static partial class NativeMethods
{
    private const int F_SETPIPE_SZ = 1031;
    private const int F_GETPIPE_SZ = 1032;

    [LibraryImport(LibC, EntryPoint = "fcntl", SetLastError = true)]
    private static partial int FcntlNative(SafePipeHandle fd, int command, int argument);

    /// <summary>
    /// Linux only (fcntl(2) F_SETPIPE_SZ): makes a pipe hold up to <paramref name="bytes"/>, rounded up to pages, within
    /// /proc/sys/fs/pipe-max-size (1 MB by default for an unprivileged process). macOS sizes its pipes itself.
    /// </summary>
    /// <returns>The size the pipe has now; null where it cannot be told or set.</returns>
    public static int? TryResizePipe(SafePipeHandle pipe, int bytes)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        FcntlNative(pipe, F_SETPIPE_SZ, bytes); // refused above the maximum: the pipe keeps the size it had
        return PipeSize(pipe);
    }

    /// <summary>How much a pipe holds (Linux: F_GETPIPE_SZ); null where it cannot be told.</summary>
    public static int? PipeSize(SafePipeHandle pipe)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        var size = FcntlNative(pipe, F_GETPIPE_SZ, 0);
        return size > 0 ? size : null;
    }
}
