namespace MlxSupervisor.Status.Metrics;

/// <summary>How much memory the server's processes hold, for the status page and /metrics.</summary>
/// <remarks>
/// Deliberately small: issue 6's memory guard has its own sampler (IServerMemoryReader); when both exist this
/// can become an adapter over it.
/// </remarks>
public interface IResidentMemoryReader
{
    /// <returns>Bytes held by the live members of the group, or null when none can be read.</returns>
    long? ResidentBytes(int processGroupId);

    /// <summary>The reader for this OS.</summary>
    internal static IResidentMemoryReader ForThisOs() => OperatingSystem.IsMacOS()
        ? new MacResidentMemory(new Process.MacProcessTable())
        : new LinuxResidentMemory(new Process.LinuxProcessTable());
}
