namespace MlxSupervisor.Process;

/// <summary>The fields of /proc/[pid]/stat the daemon uses.</summary>
internal readonly record struct ProcStat(char State, int ParentId, int GroupId, long StartTicks)
{
    public static ProcStat? TryRead(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null; // It exited while we looked.
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name sits in parentheses and may itself hold spaces or ')', so parse from the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0)
            return null;
        var fields = text[(close + 2)..].Split(' ');
        if (fields.Length < 20 || !int.TryParse(fields[1], out var ppid) || !int.TryParse(fields[2], out var pgrp) ||
            !long.TryParse(fields[19], out var start))
            return null;
        return new ProcStat(fields[0][0], ppid, pgrp, start);
    }
}
