namespace MlxSupervisor.Bench.Scenarios;

/// <summary>Port open to Running (issue 12, item 1): the sim alone as the floor, then the daemon with each Health:Readiness.</summary>
internal sealed record ReadinessResult(string Settings, IReadOnlyList<DirectStartSample> Direct, IReadOnlyList<ReadinessRun> Runs);

/// <summary>The sim started by the bench and asked at once, with no supervisor and no probe schedule: what any supervisor waits for at least.</summary>
/// <param name="HealthMs">From its "listening" line to a 200 from /health, asked the moment that line was read.</param>
/// <param name="FirstTokenMs">From its "listening" line to the first SSE data event of a one-token completion sent after that 200.</param>
internal sealed record DirectStartSample(double HealthMs, double FirstTokenMs);

/// <param name="Readiness">Health:Readiness: "Generation" (the default) or "Health".</param>
/// <param name="First">The daemon's first server, started while the daemon itself was still cold (its JIT).</param>
/// <param name="Restarts">Each server after a SIGKILL, the daemon warm.</param>
internal sealed record ReadinessRun(string Readiness, ReadinessSample First, IReadOnlyList<ReadinessSample> Restarts);

/// <summary>One server's start, from the daemon's log lines: its spawn, the sim's "listening" line (port open), its Running.</summary>
internal sealed record ReadinessSample(double SpawnToListeningMs, double ListeningToRunningMs)
{
    public double SpawnToRunningMs => SpawnToListeningMs + ListeningToRunningMs;
}
