using MlxSupervisor.Process;

namespace MlxSupervisor.Memory;

/// <summary>Sums proc_pid_rusage's ri_phys_footprint over the server's processes; host_statistics64 for the system.</summary>
internal sealed class MacServerMemoryReader(IProcessTable processTable) : IServerMemoryReader
{
    public ServerMemory? ReadServer(int serverPid)
    {
        if (NativeMethods.MacPhysFootprint(serverPid) is not { } leader)
            return null;
        var total = leader;
        var count = 1;
        foreach (var pid in processTable.LiveMembers(serverPid).Union(processTable.Descendants(serverPid)).Where(p => p != serverPid))
        {
            if (NativeMethods.MacPhysFootprint(pid) is { } bytes)
            {
                total += bytes;
                count++;
            }
        }
        return new ServerMemory(total, count);
    }

    public long? ReadAvailableSystemMemory() => NativeMethods.MacAvailableMemory();
}
