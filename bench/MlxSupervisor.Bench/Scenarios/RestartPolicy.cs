namespace MlxSupervisor.Bench.Scenarios;

/// <summary>
/// The restart schedule the README and issue 2 promise, computed on its own (not with the daemon's code): the
/// n-th consecutive failure waits min(InitialDelay × 2^(n−1), MaxDelay); once FailureThreshold restarts have
/// failed (the first start is not a restart) the circuit opens for BreakDuration, then one trial start, and a
/// failed trial opens it again.
/// </summary>
internal sealed record RestartPolicy(TimeSpan InitialDelay, TimeSpan MaxDelay, int BreakerThreshold, TimeSpan BreakDuration)
{
    public TimeSpan Backoff(int consecutiveFailures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(consecutiveFailures, 1);
        var factor = Math.Pow(2, Math.Min(consecutiveFailures - 1, 30));
        var delay = InitialDelay * factor;
        return delay < MaxDelay ? delay : MaxDelay;
    }

    /// <summary>For a server that fails every start: the wait after exit <paramref name="k"/> (0 = the first start's).</summary>
    /// <returns>The promised wait, and whether the circuit is open for it.</returns>
    public (TimeSpan Wait, bool CircuitOpen) WaitAfterExit(int k)
    {
        var backoff = Backoff(k + 1);
        // After exit k, k restarts have failed; at the threshold the circuit opens, and each later exit is a failed trial.
        return k >= BreakerThreshold ? (backoff > BreakDuration ? backoff : BreakDuration, true) : (backoff, false);
    }

    /// <summary>The promised spawn times of a server that dies the instant it starts: 0, 2, 6, 14, 30, 62, 122 … s at the defaults.</summary>
    public IReadOnlyList<TimeSpan> IdealSpawnTimes(int count)
    {
        var times = new List<TimeSpan>(count);
        var at = TimeSpan.Zero;
        for (var k = 0; k < count; k++)
        {
            times.Add(at);
            at += WaitAfterExit(k).Wait;
        }
        return times;
    }
}
