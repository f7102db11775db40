namespace MlxSupervisor.Process;

/// <summary>
/// The one way the daemon ends processes it answers for, its own server or one a previous daemon left: SIGTERM,
/// the grace period, then SIGKILL and a short wait for the kernel to finish them.
/// </summary>
/// <remarks>
/// What "gone" means differs by caller (a group whose leader the runtime has reaped, or a list of pids checked for
/// identity), so the caller supplies it, and the wait polls it only while a stop is under way. A zombie counts as
/// gone in every <see cref="IProcessTable"/>: <c>kill(pid, 0)</c> still succeeds on one that init has yet to reap.
/// </remarks>
internal sealed class SignalEscalation
{
    /// <summary>How long SIGKILL'd processes get to vanish before the caller reports them as survivors.</summary>
    internal static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    /// <summary>How often the wait checks whether the processes are gone.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private readonly Action<int> _signal;
    private readonly Func<bool> _gone;
    private readonly Task? _ended;
    private readonly TimeProvider _time;

    /// <param name="signal">Sends one signal to every process that is to stop.</param>
    /// <param name="gone">Whether every process that is to stop has gone.</param>
    /// <param name="ended">Completes when the processes may well be gone (the leader was reaped), to check at once;
    /// null when no event tells, and only the poll does.</param>
    /// <param name="time">The clock of the grace period.</param>
    public SignalEscalation(Action<int> signal, Func<bool> gone, Task? ended, TimeProvider time)
    {
        _signal = signal;
        _gone = gone;
        _ended = ended;
        _time = time;
    }

    /// <summary>Runs the sequence; true when SIGKILL was needed. Whether anything survived is the caller's to check.</summary>
    public async Task<bool> RunAsync(TimeSpan gracePeriod, CancellationToken cancellationToken = default)
    {
        _signal(Signals.SIGTERM);
        if (await WaitUntilGoneAsync(gracePeriod, cancellationToken))
            return false;

        _signal(Signals.SIGKILL);
        await WaitUntilGoneAsync(KillWait, cancellationToken);
        return true;
    }

    private async Task<bool> WaitUntilGoneAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (!_gone())
        {
            if (_time.GetElapsedTime(started) >= bound)
                return false;
            cancellationToken.ThrowIfCancellationRequested();
            var tick = Task.Delay(PollInterval, _time, cancellationToken);
            // Once the leader has been reaped only the tick paces the wait: waking on a completed task would spin.
            await (_ended is null || _ended.IsCompleted ? tick : Task.WhenAny(_ended, tick));
        }
        return true;
    }
}
