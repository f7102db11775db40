namespace MlxSupervisor.Process.Adoption;

/// <summary>
/// A server the daemon found running and took over (<c>Server:Adopt</c>, issue 12 item 7). It is not the daemon's
/// child: its exit is watched by pid (<see cref="IProcessExitWatcher"/>), its status cannot be learned, and its
/// output goes wherever whoever started it sent it.
/// </summary>
internal sealed class AdoptedServerProcess : IServerProcess
{
    private readonly Task _watch;
    private readonly CancellationTokenSource _stopWatching;
    private readonly IProcessTable _processTable;
    private readonly TimeProvider _time;

    /// <summary>What it had started when it was adopted: after it dies, its orphans can no longer be found by parent.</summary>
    private readonly PinnedProcesses _family;

    /// <param name="watch">The exit watch of <paramref name="pid"/>, which <paramref name="stopWatching"/> cancels.</param>
    /// <param name="startedAt">When the process started, as far as the OS can say.</param>
    public AdoptedServerProcess(int pid, DateTimeOffset startedAt, Task watch, CancellationTokenSource stopWatching,
        IProcessTable processTable, TimeProvider time)
    {
        Pid = pid;
        StartedAt = startedAt;
        _watch = watch;
        _stopWatching = stopWatching;
        _processTable = processTable;
        _time = time;
        // A server started from an interactive shell leads its own group (job control); one started by a script
        // or a service manager may share that of its parent, which is not the server's to stop.
        var group = processTable.LiveMembers(pid);
        _family = new PinnedProcesses(processTable, [pid, .. processTable.Descendants(pid), .. group], group.Contains(pid) ? pid : null);
        Exited = ObserveExitAsync();
    }

    public int Pid { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Completes when the process dies, with no exit code: only its parent can learn that.</summary>
    public Task<ServerExit> Exited { get; }

    /// <summary>Empty: its stderr is not the daemon's to read.</summary>
    public IReadOnlyList<string> RecentStderr => [];

    public bool Adopted => true;

    private async Task<ServerExit> ObserveExitAsync()
    {
        // However the watch ends, this is the end of the server as far as the daemon can know: it exited; the watch
        // was cancelled, which happens only once the server has been disposed of; or the kernel call failed on a
        // descriptor that was valid (ENOMEM at most), and a server nobody watches is one the supervisor must replace.
        await Task.WhenAny(_watch);
        _ = _watch.Exception;
        return new ServerExit(null, _time.GetUtcNow()) { NotOurChild = true };
    }

    /// <summary>SIGTERM to the server, what it started and its group if it leads one; the grace period; then SIGKILL.</summary>
    public async Task<StopOutcome> StopAsync(TimeSpan gracePeriod)
    {
        var started = _time.GetTimestamp();
        var group = _processTable.LiveMembers(Pid);
        var targets = _family.With([.. _processTable.Descendants(Pid), .. group]);
        var killed = await targets.StopAsync(gracePeriod, Exited, _time);
        var took = _time.GetElapsedTime(started);
        // One that survived SIGKILL has not exited: say when the daemon gave up on it instead.
        var exit = Exited.IsCompleted ? await Exited : new ServerExit(null, _time.GetUtcNow()) { NotOurChild = true };
        return new StopOutcome(killed, took, exit, targets.Remaining());
    }

    public async ValueTask DisposeAsync()
    {
        if (!Exited.IsCompleted)
            await StopAsync(TimeSpan.Zero);
        await _stopWatching.CancelAsync();
        await Exited;
        _stopWatching.Dispose();
    }
}
