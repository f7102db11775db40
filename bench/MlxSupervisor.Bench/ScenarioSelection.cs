namespace MlxSupervisor.Bench;

/// <summary>Which scenarios a run measures: all of them, or those <c>--only</c> names (comma-separated).</summary>
internal sealed class ScenarioSelection
{
    public const string Recovery = "recovery";
    public const string Hang = "hang";
    public const string Schedule = "schedule";
    public const string Footprint = "footprint";
    public const string Flood = "flood";
    public const string FrontDoor = "front-door";
    public const string Readiness = "readiness";
    public const string Zombies = "zombies";
    public const string StreamIntegrity = "stream-integrity";
    public const string NginxPeer = "nginx";
    public const string ChunkLatency = "chunk-latency";
    public const string Routing = "routing";
    public const string Swap = "swap";

    /// <summary>In the order the run measures them.</summary>
    public static IReadOnlyList<string> Known { get; } = [Recovery, Hang, Schedule, Footprint, Flood, FrontDoor, Readiness, Zombies, StreamIntegrity,
        NginxPeer, ChunkLatency, Routing, Swap];

    private readonly HashSet<string> _names;

    private ScenarioSelection(IEnumerable<string> names, bool isAll)
    {
        _names = [.. names];
        IsAll = isAll;
    }

    public static ScenarioSelection All { get; } = new(Known, isAll: true);

    public bool IsAll { get; }

    /// <summary>The selected names, in the order the run measures them.</summary>
    public IReadOnlyList<string> Names => Known.Where(_names.Contains).ToList();

    public bool Includes(string name) => _names.Contains(name);

    /// <param name="only">The value of --only, or null for every scenario.</param>
    /// <returns>The selection, or one line naming the bad value and the known names.</returns>
    public static (ScenarioSelection? Selection, string? Error) Parse(string? only)
    {
        if (only is null)
            return (All, null);
        var names = only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
            return (null, $"--only needs at least one scenario, got '{only}'; known: {string.Join(", ", Known)}");
        var unknown = names.Where(n => !Known.Contains(n, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
            return (null, $"--only: unknown scenario '{unknown[0]}'; known: {string.Join(", ", Known)}");
        return (new ScenarioSelection(names, isAll: false), null);
    }
}
