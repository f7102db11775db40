namespace MlxSupervisor.Bench.Machine;

/// <summary>
/// /proc/loadavg before and after each scenario. Other people build and test on this machine at the same
/// time, so the report shows how busy it was when each figure was taken.
/// </summary>
internal sealed class LoadLog
{
    private readonly List<(string When, string Load)> _marks = [];

    public IReadOnlyList<(string When, string Load)> Marks => _marks;

    public void Mark(string when)
    {
        var fields = File.ReadAllText("/proc/loadavg").Split(' ');
        _marks.Add((when, $"{fields[0]} {fields[1]} {fields[2]}"));
    }
}
