namespace MlxSupervisor.Bench.Scenarios;

/// <summary>Each SSE chunk's time from the sim's write to the bench's read, through the front door and straight (issue 14).</summary>
internal sealed record ChunkLatencyResult(string Settings, IReadOnlyList<ChunkRun> Runs)
{
    /// <summary>Every chunk's latency, in ms, of one target at one number of concurrent streams, over its blocks.</summary>
    public IReadOnlyList<double> Pooled(string target, int streams) =>
        [.. Runs.Where(r => r.Target == target && r.Streams == streams).SelectMany(r => r.LatenciesMs)];

    /// <summary>Issue 14: under 16 concurrent streams, the front door adds under 1 ms to each chunk at p99.</summary>
    public const double AddedP99TargetMs = 1;

    /// <summary>
    /// What the front door adds at <paramref name="streams"/> streams: its write-to-read latency less the direct path's,
    /// at the median, p99 and max of each (the paths' chunks are different chunks, so percentiles, not pairs, are compared).
    /// </summary>
    public AddedLatency Added(int streams)
    {
        var direct = Stats.Summary.Of(Pooled(ChunkLatencyScenario.Direct, streams));
        var door = Stats.Summary.Of(Pooled(ChunkLatencyScenario.Door, streams));
        return new AddedLatency(streams, direct, door, door.Median - direct.Median, door.P99 - direct.P99, door.Max - direct.Max);
    }
}

internal sealed record AddedLatency(int Streams, Stats.Summary Direct, Stats.Summary Door, double P50Ms, double P99Ms, double MaxMs)
{
    public bool MeetsTarget => P99Ms < ChunkLatencyResult.AddedP99TargetMs;
}

/// <summary>One block: <paramref name="Streams"/> streams at once to one target, every chunk's latency in ms.</summary>
internal sealed record ChunkRun(string Target, int Streams, int Block, IReadOnlyList<double> LatenciesMs);
