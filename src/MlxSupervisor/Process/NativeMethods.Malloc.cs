using System.Runtime.InteropServices;

namespace MlxSupervisor.Process;

internal static partial class NativeMethods
{
    /// <summary>glibc's mallopt(3) parameter for the most arenas malloc may create.</summary>
    private const int M_ARENA_MAX = -8;

    /// <summary>The arenas the daemon's native allocations may spread over: the main one and one more.</summary>
    private const int DaemonArenas = 2;

    [LibraryImport(LibC, EntryPoint = "mallopt")]
    private static partial int MalloptNative(int parameter, int value);

    /// <summary>
    /// Linux with glibc: caps malloc at <see cref="DaemonArenas"/> arenas, as <c>MALLOC_ARENA_MAX=2</c> would, before the
    /// host starts its threads. Tiered compilation compiles on whichever thread calls a method, and glibc kept what each
    /// compilation freed in that thread's own arena, up to 16 of them: 20-40 MB of native memory, all free, in a 30-minute
    /// soak. Capped, it stayed at 19 MB (docs/hardening.md). macOS's allocator has no such arenas.
    /// </summary>
    /// <returns>Whether the cap was set; false on another C library, which keeps its own defaults.</returns>
    public static bool TryCapMallocArenas()
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            return MalloptNative(M_ARENA_MAX, DaemonArenas) == 1;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }
}
