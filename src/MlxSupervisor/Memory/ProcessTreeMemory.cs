using MlxSupervisor.Process;

namespace MlxSupervisor.Memory;

/// <summary>
/// The sum of one per-process figure over the server and every process it started: the members of its group, and
/// its descendants by parent, which also finds a child that left the group. Each process counts once.
/// </summary>
/// <remarks>
/// Shared by the Linux and macOS readers, which differ only in the figure (resident set, phys_footprint), so the
/// macOS reader's walk is the one the Linux specs prove.
/// </remarks>
internal sealed class ProcessTreeMemory(IProcessTable processTable, Func<int, long?> bytesOf)
{
    /// <returns>Null when the server is gone; a process that goes during the walk is left out of the sum.</returns>
    public ServerMemory? Read(int serverPid)
    {
        if (bytesOf(serverPid) is not { } leader)
            return null;
        var total = leader;
        var count = 1;
        foreach (var pid in processTable.LiveMembers(serverPid).Union(processTable.Descendants(serverPid)).Where(p => p != serverPid))
        {
            if (bytesOf(pid) is { } bytes)
            {
                total += bytes;
                count++;
            }
        }
        return new ServerMemory(total, count);
    }
}
