namespace MlxSupervisor.Process;

/// <summary>macOS: libproc's proc_listpids and proc_pidinfo. launchd reaps orphans promptly there, so a zombie rarely shows.</summary>
internal sealed class MacProcessTable : IProcessTable
{
    private const uint ProcPgrpOnly = 2;

    public IReadOnlyList<int> LiveMembers(int groupId) => NativeMethods.MacListPids(ProcPgrpOnly, (uint)groupId);

    // EPERM means it exists but belongs to someone else.
    public bool IsRunning(int pid) => NativeMethods.Kill(pid, 0) is 0 or NativeMethods.EPERM;

    public ProcessIdentity? Identify(int pid)
    {
        if (NativeMethods.MacBsdInfo(pid) is not { Zombie: false } info)
            return null;
        return NativeMethods.MacCommandLine(pid) is { } commandLine ? new ProcessIdentity(info.StartMicros, commandLine) : null;
    }

    public IReadOnlyList<int> Descendants(int pid)
    {
        var found = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var child in NativeMethods.MacChildren(parent).Where(c => !found.Contains(c)))
            {
                found.Add(child);
                queue.Enqueue(child);
            }
        }
        return found;
    }
}
