namespace MlxSupervisor.Memory;

/// <summary>
/// How much memory the server uses, and how much the system has left. Registered in DI; the memory guard and
/// the status metrics both read it.
/// </summary>
/// <remarks>
/// "The server's memory" is the server and every process it started: the members of its process group plus
/// its descendants by parent (which also finds a child that left the group). On Linux that is the sum of
/// their resident sets (/proc/[pid]/statm); on macOS the sum of their phys_footprint (proc_pid_rusage), which,
/// unlike RSS, counts the unified memory MLX allocates for the GPU.
/// </remarks>
public interface IServerMemoryReader
{
    /// <returns>Null when the server is gone.</returns>
    ServerMemory? ReadServer(int serverPid);

    /// <summary>Memory the system can hand out without swapping: MemAvailable on Linux; free and inactive
    /// pages on macOS. Null when it cannot be read.</summary>
    long? ReadAvailableSystemMemory();
}

/// <param name="Bytes">The sum over <paramref name="Processes"/> processes.</param>
public readonly record struct ServerMemory(long Bytes, int Processes);
