namespace MlxSupervisor.Process;

/// <summary>What the OS knows about the processes of a group. Linux reads /proc; macOS asks the kernel.</summary>
internal interface IProcessTable
{
    /// <summary>Members of group <paramref name="groupId"/> that still run. Zombies count as gone: they hold no
    /// port and no memory, and a late-reaping init can leave them for a while.</summary>
    IReadOnlyList<int> LiveMembers(int groupId);

    /// <summary>Whether <paramref name="pid"/> still runs; a zombie does not.</summary>
    bool IsRunning(int pid);
}
