using System.Runtime.InteropServices;
using MlxSupervisor.Process;

namespace MlxSupervisor.Status.Metrics;

/// <summary>
/// macOS: each member's phys_footprint from proc_pid_rusage, the figure Activity Monitor shows as Memory. On
/// Apple silicon it includes the Metal buffers an MLX model lives in, which the resident size leaves out.
/// </summary>
internal sealed partial class MacResidentMemory(IProcessTable processTable) : IResidentMemoryReader
{
    private const int RusageInfoV0 = 0;

    // rusage_info_v0 (sys/resource.h): a 16-byte uuid, then ten uint64 counters; phys_footprint is the 8th.
    private const int RusageInfoV0Size = 16 + (10 * 8);
    private const int PhysFootprintOffset = 16 + (7 * 8);

    [LibraryImport("/usr/lib/libproc.dylib", EntryPoint = "proc_pid_rusage")]
    private static unsafe partial int PidRusage(int pid, int flavor, byte* buffer);

    public long? ResidentBytes(int processGroupId)
    {
        long? total = null;
        foreach (var pid in processTable.LiveMembers(processGroupId))
        {
            if (Read(pid) is { } bytes)
                total = (total ?? 0) + bytes;
        }
        return total;
    }

    private static unsafe long? Read(int pid)
    {
        var buffer = stackalloc byte[RusageInfoV0Size];
        return PidRusage(pid, RusageInfoV0, buffer) == 0 ? (long)*(ulong*)(buffer + PhysFootprintOffset) : null;
    }
}
