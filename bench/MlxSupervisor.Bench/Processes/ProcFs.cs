using System.Globalization;

namespace MlxSupervisor.Bench.Processes;

/// <summary>What /proc tells about one process: whether it runs, its resident memory and its CPU time.</summary>
internal static class ProcFs
{
    /// <summary>False once the process is gone or a zombie (PID 1 here reaps orphans late).</summary>
    public static bool IsRunning(int pid)
    {
        var state = StatFields(pid);
        return state is not null && state[0] is not "Z" and not "X";
    }

    /// <summary>VmRSS in KiB, or null when the process is gone.</summary>
    public static long? RssKib(int pid) => StatusField(pid, "VmRSS:");

    public static long? Threads(int pid) => StatusField(pid, "Threads:");

    /// <summary>utime + stime in clock ticks, or null when the process is gone.</summary>
    public static long? CpuTicks(int pid)
    {
        var fields = StatFields(pid);
        // Fields after the command: [0] state ... [11] utime, [12] stime (proc(5) fields 14 and 15).
        return fields is null ? null : long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// utime + stime of a process and of every descendant alive now, in clock ticks: nginx's master and its workers.
    /// A descendant that exited during the window takes its ticks with it, so measure trees whose processes stay.
    /// </summary>
    public static long? TreeCpuTicks(int pid)
    {
        if (CpuTicks(pid) is not { } own)
            return null;
        var parents = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var child)
                || StatFields(child) is not { } fields
                || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parent))
                continue;
            if (!parents.TryGetValue(parent, out var children))
                parents[parent] = children = [];
            children.Add(child);
        }
        var total = own;
        var pending = new Stack<int>(parents.GetValueOrDefault(pid) ?? []);
        while (pending.TryPop(out var next))
        {
            total += CpuTicks(next) ?? 0;
            foreach (var grandchild in parents.GetValueOrDefault(next) ?? [])
                pending.Push(grandchild);
        }
        return total;
    }

    private static string[]? StatFields(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // The command name may hold spaces or ')': parse from the last ')'.
        var close = text.LastIndexOf(')');
        return close < 0 ? null : text[(close + 2)..].Split(' ');
    }

    private static long? StatusField(int pid, string name)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith(name, StringComparison.Ordinal))
                    continue;
                var value = line[name.Length..].Trim().Split(' ')[0];
                return long.Parse(value, CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
