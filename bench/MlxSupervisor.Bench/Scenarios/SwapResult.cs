namespace MlxSupervisor.Bench.Scenarios;

/// <summary>Starts of OnDemand servers for a request, with room free and with a swap (issue 13, "the cost of a swap").</summary>
internal sealed record SwapResult(string Settings, IReadOnlyList<OnDemandStartSample> FreeStarts, IReadOnlyList<SwapSample> Swaps)
{
    /// <summary>B's own load: its spawn to Running when it starts with room free, the median.</summary>
    public double OwnLoadMs => Stats.Percentiles.Median([.. FreeStarts.Select(s => s.SpawnToRunningMs)]);

    /// <summary>Issue 13's figure: a swap's request to answer, the median, less B's own load.</summary>
    public double BeyondLoadMs => Stats.Percentiles.Median([.. Swaps.Select(s => s.TotalMs)]) - OwnLoadMs;

    /// <summary>The same, each swap less its own B's spawn-to-Running, the median: what is left when B's load varies between starts.</summary>
    public double BeyondLoadInSwapMs => Stats.Percentiles.Median([.. Swaps.Select(s => s.TotalMs - s.SpawnToRunningMs)]);

    /// <summary>What stopping A adds, the median: from the daemon's decision to stop it to B's spawn.</summary>
    public double StopOfAMs => Stats.Percentiles.Median([.. Swaps.Select(s => s.StopMs + s.StoppedToSpawnMs)]);

    /// <summary>What a start for a request costs beyond B's load with room free, the median: routing, the decision, the spawn, the answer.</summary>
    public double FreeStartBeyondLoadMs => Stats.Percentiles.Median([.. FreeStarts.Select(s => s.TotalMs)]) - OwnLoadMs;
}

/// <summary>
/// A request for server B while nothing else runs: the bench's clock for the request and its answer, the daemon's log
/// for the rest.
/// </summary>
/// <param name="TotalMs">From sending the request to the end of its answer (the bench's Stopwatch).</param>
/// <param name="RequestToDecisionMs">To the daemon's "Starting server b" line.</param>
/// <param name="DecisionToSpawnMs">From that line to its "Started pid=" line.</param>
/// <param name="SpawnToRunningMs">B's own time from its spawn to Running (its "healthy after" line): its load.</param>
/// <param name="RunningToAnswerMs">From Running to the answer's end, as the bench read it.</param>
internal sealed record OnDemandStartSample(double TotalMs, double RequestToDecisionMs, double DecisionToSpawnMs, double SpawnToRunningMs, double RunningToAnswerMs);

/// <summary>A request for server B while idle server A holds the room B needs: A is stopped first, then B started.</summary>
/// <param name="RequestToEvictMs">To the daemon's "Stopping idle server a to make room for b" line.</param>
/// <param name="EvictToSigtermMs">From that line to its "SIGTERM sent to pid=" line for A: the daemon's own part of the stop.</param>
/// <param name="StopMs">From the first line to A's "stopped after SIGTERM" line: the SIGTERM, A's own shutdown, and the daemon seeing it.</param>
/// <param name="StoppedToSpawnMs">From A gone to B's "Started pid=" line.</param>
internal sealed record SwapSample(double TotalMs, double RequestToEvictMs, double EvictToSigtermMs, double StopMs, double StoppedToSpawnMs, double SpawnToRunningMs, double RunningToAnswerMs);
