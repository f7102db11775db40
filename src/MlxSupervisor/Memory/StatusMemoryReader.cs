using MlxSupervisor.Status.Metrics;

namespace MlxSupervisor.Memory;

/// <summary>
/// The status page's and /metrics' memory figure, read the way the memory guard reads it, so the number an
/// operator sees is the one the limit is checked against (phys_footprint on macOS, RSS on Linux, over the
/// server's group and descendants).
/// </summary>
public sealed class StatusMemoryReader(IServerMemoryReader reader) : IResidentMemoryReader
{
    /// <param name="processGroupId">The server's pid, which is its group's id.</param>
    public long? ResidentBytes(int processGroupId) => reader.ReadServer(processGroupId)?.Bytes;
}
