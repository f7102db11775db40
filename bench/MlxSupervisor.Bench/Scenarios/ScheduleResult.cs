namespace MlxSupervisor.Bench.Scenarios;

/// <summary>One spawn of a server that dies at once; seconds are since the first spawn, from the daemon's log.</summary>
/// <param name="PromisedSpawnS">The previous exit (as the daemon logged it) plus the promised wait.</param>
/// <param name="IdealSpawnS">The promised schedule if the server died the instant it started (0, d, 3d, 7d …).</param>
/// <param name="CircuitOpenBefore">The wait before this spawn was a circuit break, so this is a half-open trial.</param>
internal sealed record ScheduleStep(int Index, double SpawnS, double? ExitS, double? PromisedWaitMs, double? ActualWaitMs,
    double? PromisedSpawnS, double IdealSpawnS, bool CircuitOpenBefore)
{
    public double? DeviationMs => PromisedSpawnS is { } p ? (SpawnS - p) * 1000 : null;
}

internal sealed record ScheduleResult(RestartPolicy Policy, string Settings, IReadOnlyList<ScheduleStep> Steps,
    IReadOnlyList<OpenSpan> OpenSpans, IReadOnlyList<double> HalfOpenAtS, double EndS)
{
    public ScheduleStep? WorstStep => Steps.Where(s => s.DeviationMs is not null).MaxBy(s => Math.Abs(s.DeviationMs!.Value));
}

/// <summary>The circuit open, in seconds since the first spawn: from its "Circuit open" line to its "half-open" line.</summary>
internal sealed record OpenSpan(double From, double To);
