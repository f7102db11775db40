namespace MlxSupervisor.Process;

/// <summary>Reads /proc/[pid]/stat: field 3 is the state, field 4 the parent, field 5 the process group, field 22 the start time.</summary>
internal sealed class LinuxProcessTable : IProcessTable
{
    public IReadOnlyList<int> LiveMembers(int groupId) =>
        [.. LiveProcesses().Where(p => p.Stat.GroupId == groupId).Select(p => p.Pid)];

    public bool IsRunning(int pid) => ProcStat.TryRead(pid) is { State: not ('Z' or 'X') };

    public ProcessIdentity? Identify(int pid)
    {
        if (ProcStat.TryRead(pid) is not { State: not ('Z' or 'X') } stat)
            return null;
        var commandLine = ReadCommandLine(pid);
        return commandLine is null ? null : new ProcessIdentity(stat.StartTicks, commandLine);
    }

    public IReadOnlyList<int> Descendants(int pid)
    {
        var children = LiveProcesses().ToLookup(p => p.Stat.ParentId, p => p.Pid);
        var found = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var child in children[parent])
            {
                if (found.Contains(child))
                    continue;
                found.Add(child);
                queue.Enqueue(child);
            }
        }
        return found;
    }

    /// <summary>argv from /proc/[pid]/cmdline (NUL-separated); null when it is gone.</summary>
    public static IReadOnlyList<string>? ReadCommandLine(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/cmdline");
            return text.Split('\0', StringSplitOptions.None) is [.. var args, ""] ? args : text.Split('\0');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IEnumerable<(int Pid, ProcStat Stat)> LiveProcesses()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            if (ProcStat.TryRead(pid) is { State: not ('Z' or 'X') } stat)
                yield return (pid, stat);
        }
    }
}
