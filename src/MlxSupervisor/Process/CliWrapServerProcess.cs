using CliWrap;

namespace MlxSupervisor.Process;

/// <summary>A server started by <see cref="CliWrapServerLauncher"/>: the leader of process group <see cref="Pid"/>.</summary>
internal sealed class CliWrapServerProcess : IServerProcess
{
    /// <summary>How long SIGKILL'd processes get to vanish before they are reported as survivors.</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private readonly CommandTask<CommandResult> _command;
    private readonly ServerOutput _output;
    private readonly CancellationTokenSource _pipes;
    private readonly IProcessTable _processTable;
    private readonly TimeProvider _time;

    public CliWrapServerProcess(CommandTask<CommandResult> command, ServerOutput output, CancellationTokenSource pipes,
        IProcessTable processTable, TimeProvider time)
    {
        _command = command;
        _output = output;
        _pipes = pipes;
        _processTable = processTable;
        _time = time;
        Pid = command.ProcessId;
        StartedAt = time.GetUtcNow();
        Exited = WatchExitAsync();
    }

    public int Pid { get; }

    public DateTimeOffset StartedAt { get; }

    public Task<ServerExit> Exited { get; }

    public IReadOnlyList<string> RecentStderr => _output.StderrTail;

    /// <summary>
    /// CliWrap's task completes only when the output pipes close, and a helper the server started keeps them
    /// open after the server is gone. A second handle on the same pid shares the runtime's SIGCHLD-driven wait
    /// state for this child, so it sees the exit at once.
    /// </summary>
    private async Task<ServerExit> WatchExitAsync()
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(Pid);
            await process.WaitForExitAsync();
            return new ServerExit(process.ExitCode, _time.GetUtcNow());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Gone and reaped before the handle was taken: CliWrap's result still holds the exit code.
            var result = await _command;
            return new ServerExit(result.ExitCode, _time.GetUtcNow());
        }
    }

    public async Task<StopOutcome> StopAsync(TimeSpan gracePeriod)
    {
        var started = _time.GetTimestamp();
        SignalGroup(Signals.SIGTERM);
        var killed = false;
        if (!await WaitUntilGoneAsync(gracePeriod))
        {
            killed = true;
            SignalGroup(Signals.SIGKILL);
            await WaitUntilGoneAsync(KillWait);
        }

        var exit = await Exited;
        return new StopOutcome(killed, _time.GetElapsedTime(started), exit, _processTable.LiveMembers(Pid));
    }

    private void SignalGroup(int signal)
    {
        // A negative pid signals the whole group; ESRCH means it is already empty. The server is signalled by
        // pid as well in case it had not yet called setpgid when the signal was sent.
        NativeMethods.Kill(-Pid, signal);
        if (!Exited.IsCompleted)
            NativeMethods.Kill(Pid, signal);
    }

    private async Task<bool> WaitUntilGoneAsync(TimeSpan bound)
    {
        var deadline = _time.GetTimestamp() + (long)(bound.TotalSeconds * _time.TimestampFrequency);
        while (true)
        {
            if (Exited.IsCompleted && _processTable.LiveMembers(Pid).Count == 0)
                return true;
            if (_time.GetTimestamp() >= deadline)
                return false;
            await Task.WhenAny(Exited, Task.Delay(PollInterval, _time));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Exited.IsCompleted || _processTable.LiveMembers(Pid).Count > 0)
            await StopAsync(TimeSpan.Zero);

        // With the whole group gone the pipes are closed; the token only guards against a process that
        // escaped the group and still holds them.
        _pipes.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await _command;
        }
        catch (OperationCanceledException)
        {
        }
        await _output.DisposeAsync();
        _pipes.Dispose();
    }
}
