using System.Globalization;
using MlxSupervisor.Process;

namespace MlxSupervisor.Memory;

/// <summary>Sums the resident set of the server's processes from /proc/[pid]/statm; MemAvailable from /proc/meminfo.</summary>
internal sealed class LinuxServerMemoryReader(IProcessTable processTable) : IServerMemoryReader
{
    private readonly ProcessTreeMemory _tree = new(processTable, ReadResidentBytes);

    public ServerMemory? ReadServer(int serverPid) => _tree.Read(serverPid);

    public long? ReadAvailableSystemMemory()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                // "MemAvailable:   12345678 kB"
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                    continue;
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
            }
        }
        catch (IOException)
        {
        }
        return null;
    }

    /// <summary>Field 2 of statm is the resident set in pages. A zombie has none.</summary>
    private static long? ReadResidentBytes(int pid)
    {
        try
        {
            var fields = File.ReadAllText($"/proc/{pid}/statm").Split(' ');
            return fields.Length > 1 && long.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pages)
                ? pages * Environment.SystemPageSize
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
