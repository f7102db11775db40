using MlxSupervisor.Process;

namespace MlxSupervisor.Tests.Support;

/// <summary>Checks on real processes, treating zombies as gone (PID 1 here reaps orphans late).</summary>
public static class ProcessAssert
{
    private static readonly LinuxProcessTable Table = new();

    public static bool IsAlive(int pid) => ProcStat.TryRead(pid) is { State: not ('Z' or 'X') };

    public static IReadOnlyList<int> LiveGroupMembers(int groupId) => Table.LiveMembers(groupId);

    /// <summary>Kills whatever a failed test left in <paramref name="groupId"/>, and says what it found.</summary>
    public static IReadOnlyList<int> KillLeftovers(int groupId)
    {
        var left = Table.LiveMembers(groupId);
        foreach (var pid in left)
            NativeMethods.Kill(pid, Signals.SIGKILL);
        return left;
    }

    public static async Task<bool> EventuallyGone(int pid, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow > deadline)
                return false;
            await Task.Delay(20);
        }
        return true;
    }
}
