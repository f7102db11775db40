using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MlxSupervisor.Process;

internal static partial class NativeMethods
{
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;

    /// <summary>EWOULDBLOCK: someone else holds the lock.</summary>
    public static int EWOULDBLOCK => OperatingSystem.IsMacOS() ? 35 : 11;

    [LibraryImport(LibC, EntryPoint = "flock", SetLastError = true)]
    private static partial int FlockNative(SafeFileHandle fd, int operation);

    /// <summary>flock(LOCK_EX | LOCK_NB) on an open file; the kernel drops it when the last descriptor closes, a crash included.</summary>
    /// <returns>0, or the errno (<see cref="EWOULDBLOCK"/> when another process holds it).</returns>
    public static int TryLockExclusive(SafeFileHandle file) =>
        FlockNative(file, LockExclusive | LockNonBlocking) == 0 ? 0 : Marshal.GetLastPInvokeError();
}
