namespace MlxSupervisor.Process;

/// <summary>What the OS knows about the processes of a group. Linux reads /proc; macOS asks the kernel.</summary>
internal interface IProcessTable
{
    /// <summary>Members of group <paramref name="groupId"/> that still run. Zombies count as gone: they hold no
    /// port and no memory, and a late-reaping init can leave them for a while.</summary>
    IReadOnlyList<int> LiveMembers(int groupId);

    /// <summary>Whether <paramref name="pid"/> still runs; a zombie does not.</summary>
    bool IsRunning(int pid);

    /// <summary>The start time and command line of <paramref name="pid"/>; null when it is gone or a zombie.</summary>
    ProcessIdentity? Identify(int pid);

    /// <summary>Every live process below <paramref name="pid"/> in the parent tree, whatever its group.</summary>
    IReadOnlyList<int> Descendants(int pid);
}
