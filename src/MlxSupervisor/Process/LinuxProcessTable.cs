namespace MlxSupervisor.Process;

/// <summary>Reads /proc/[pid]/stat: field 3 is the state, field 5 the process group.</summary>
internal sealed class LinuxProcessTable : IProcessTable
{
    public IReadOnlyList<int> LiveMembers(int groupId)
    {
        var members = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            var stat = ProcStat.TryRead(pid);
            if (stat is { } s && s.GroupId == groupId && s.State is not ('Z' or 'X'))
                members.Add(pid);
        }
        return members;
    }

    public bool IsRunning(int pid) => ProcStat.TryRead(pid) is { State: not ('Z' or 'X') };
}
