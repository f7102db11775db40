namespace MlxSupervisor.Bench.Scenarios;

/// <summary>SIGSTOPs of the server under the daemon, in ms after the SIGSTOP, and supervisord's answer to the same hang.</summary>
/// <param name="IssueBoundMs">Interval × FailureThreshold + Timeout + GracePeriod + backoff, the bound the issue states.</param>
/// <param name="LoopBoundMs">
/// FailureThreshold × (Interval + Timeout) + GracePeriod + backoff: the bound while the daemon waited Interval after each
/// probe ended, before its probes kept to their ticks; it still sizes how long supervisord is watched.
/// </param>
internal sealed record HangResult(
    string Settings,
    IReadOnlyList<double> DeclaredDeadMs,
    IReadOnlyList<double> SpawnMs,
    double IssueBoundMs,
    double LoopBoundMs,
    bool? SupervisordRestarted,
    double SupervisordWatchedMs);

