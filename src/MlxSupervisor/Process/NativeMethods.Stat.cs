using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MlxSupervisor.Process;

internal static partial class NativeMethods
{
    [LibraryImport(LibC, EntryPoint = "fstat", SetLastError = true)]
    private static unsafe partial int FstatNative(SafeFileHandle file, byte* stat);

    /// <summary>
    /// The inode of an open file: a file renamed keeps it, a new file under the old name has another. .NET has no call
    /// for it, and <c>tail -F</c> tells a rolled file this way.
    /// </summary>
    /// <returns>Null where it cannot be told: another platform, or a glibc older than 2.33, which exports only <c>__fxstat</c>.</returns>
    public static unsafe ulong? Inode(SafeFileHandle file)
    {
        // st_ino is 8 bytes at offset 8 of struct stat on Linux x86-64 and arm64 (after an 8-byte st_dev) and on macOS
        // arm64 (after a 4-byte st_dev, st_mode and st_nlink: the 64-bit inode layout, the only one arm64 has). The struct
        // is 144 bytes on all three; macOS x86-64's plain fstat still has the old layout, so it is left out.
        var known = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => OperatingSystem.IsLinux(),
            Architecture.Arm64 => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(),
            _ => false,
        };
        if (!known)
            return null;
        var stat = stackalloc byte[256];
        try
        {
            if (FstatNative(file, stat) != 0)
                return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
        return *(ulong*)(stat + 8);
    }
}
