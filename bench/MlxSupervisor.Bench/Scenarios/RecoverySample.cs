namespace MlxSupervisor.Bench.Scenarios;

/// <summary>One SIGKILL of the server and its recovery, in ms after the kill.</summary>
/// <param name="ExitSeenMs">The supervisor's log line that reports the exit.</param>
/// <param name="SpawnMs">The supervisor's log line that names the new pid.</param>
/// <param name="HealthyMs">The bench's first 200 from /health.</param>
/// <param name="BackoffMs">The delay the supervisor is configured to wait before a restart.</param>
internal sealed record RecoverySample(double ExitSeenMs, double SpawnMs, double HealthyMs, double BackoffMs)
{
    /// <summary>Spawn time minus the configured backoff: the supervisor's own overhead.</summary>
    public double OverheadMs => SpawnMs - BackoffMs;
}
