using MlxSupervisor.Process;

namespace MlxSupervisor.Memory;

/// <summary>Sums proc_pid_rusage's ri_phys_footprint over the server's processes; host_statistics64 for the system.</summary>
internal sealed class MacServerMemoryReader(IProcessTable processTable) : IServerMemoryReader
{
    private readonly ProcessTreeMemory _tree = new(processTable, NativeMethods.MacPhysFootprint);

    public ServerMemory? ReadServer(int serverPid) => _tree.Read(serverPid);

    public long? ReadAvailableSystemMemory() => NativeMethods.MacAvailableMemory();
}
