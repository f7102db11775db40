namespace MlxSupervisor.Bench.Machine;

/// <summary>
/// /proc/loadavg before and after each scenario. Other people build and test on this machine at the same
/// time, so the report shows how busy it was when each figure was taken.
/// </summary>
internal sealed class LoadLog
{
    public List<LoadMark> Marks { get; init; } = [];

    public void Mark(string when)
    {
        var fields = File.ReadAllText("/proc/loadavg").Split(' ');
        Marks.Add(new LoadMark(when, $"{fields[0]} {fields[1]} {fields[2]}"));
    }
}

/// <summary>The 1, 5 and 15 minute load averages at one moment of the run.</summary>
internal sealed record LoadMark(string When, string Load);
