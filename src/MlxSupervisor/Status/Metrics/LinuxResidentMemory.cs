using System.Globalization;
using MlxSupervisor.Process;

namespace MlxSupervisor.Status.Metrics;

/// <summary>Linux: the resident set of each member of the group, from the second field of /proc/[pid]/statm (pages).</summary>
internal sealed class LinuxResidentMemory(IProcessTable processTable) : IResidentMemoryReader
{
    private static readonly long PageSize = Environment.SystemPageSize;

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

    private static long? Read(int pid)
    {
        try
        {
            var fields = File.ReadAllText($"/proc/{pid}/statm").Split(' ', 3);
            return fields.Length >= 2 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pages)
                ? pages * PageSize
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // It exited between the listing and the read.
            return null;
        }
    }
}
