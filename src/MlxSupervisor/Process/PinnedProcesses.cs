namespace MlxSupervisor.Process;

/// <summary>
/// Processes the daemon stops without being their parent (a server a previous daemon left, an adopted one),
/// each pinned by its start time when it was found: no reaping tells when they have gone, and a pid that a later
/// process got meanwhile must never be signalled. Their process group, when they have one, is signalled as well,
/// but only while a pinned member still holds its id (the kernel hands out no pid while a group of that id lives).
/// </summary>
internal sealed class PinnedProcesses
{
    private readonly IProcessTable _table;
    private readonly int? _groupId;
    private readonly IReadOnlyList<(int Pid, long StartTime)> _pins;

    /// <param name="pids">What to stop; a pid that is gone, or a zombie, already is, and is left out.</param>
    /// <param name="groupId">Their process group, signalled as a whole; null when they do not lead one of their own.</param>
    public PinnedProcesses(IProcessTable table, IEnumerable<int> pids, int? groupId)
        : this(table, groupId, [])
    {
        _pins = Pin(pids, []);
    }

    private PinnedProcesses(IProcessTable table, int? groupId, IReadOnlyList<(int Pid, long StartTime)> pins)
    {
        _table = table;
        _groupId = groupId;
        _pins = pins;
    }

    /// <summary>The pinned pids, as they were found.</summary>
    public IReadOnlyList<int> Pids => [.. _pins.Select(p => p.Pid)];

    /// <summary>These and <paramref name="more"/>, pinned now; the ones pinned before keep their pins.</summary>
    public PinnedProcesses With(IEnumerable<int> more) => new(_table, _groupId, Pin(more, _pins));

    /// <summary>The pinned processes that still run as themselves.</summary>
    public IReadOnlyList<int> Remaining() =>
        [.. _pins.Where(p => _table.Identify(p.Pid)?.StartTime == p.StartTime).Select(p => p.Pid)];

    /// <summary>SIGTERM, <paramref name="gracePeriod"/>, SIGKILL; true when SIGKILL was needed.</summary>
    /// <param name="ended">Completes when they may well be gone, to check at once; null when only the poll tells.</param>
    public Task<bool> StopAsync(TimeSpan gracePeriod, Task? ended, TimeProvider time, CancellationToken cancellationToken = default) =>
        new SignalEscalation(Signal, () => Remaining().Count == 0, ended, time).RunAsync(gracePeriod, cancellationToken);

    private void Signal(int signal)
    {
        var remaining = Remaining();
        if (_groupId is { } group && _table.LiveMembers(group).Intersect(remaining).Any())
            NativeMethods.Kill(-group, signal);
        foreach (var pid in remaining)
            NativeMethods.Kill(pid, signal);
    }

    private List<(int Pid, long StartTime)> Pin(IEnumerable<int> pids, IReadOnlyList<(int Pid, long StartTime)> pinned)
    {
        var pins = pinned.ToList();
        foreach (var pid in pids.Distinct().Where(pid => pid > 0 && pins.All(p => p.Pid != pid)))
        {
            if (_table.Identify(pid) is { } identity)
                pins.Add((pid, identity.StartTime));
        }
        return pins;
    }
}
