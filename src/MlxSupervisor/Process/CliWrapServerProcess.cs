using CliWrap;

namespace MlxSupervisor.Process;

/// <summary>A server started by <see cref="CliWrapServerLauncher"/>: the leader of process group <see cref="Pid"/>.</summary>
internal sealed class CliWrapServerProcess : IServerProcess
{
    /// <summary>How long after the exit CliWrap gets to report the exit code.</summary>
    private static readonly TimeSpan PipeCloseWait = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the pipes may stay open once every process of the group is gone.</summary>
    private static readonly TimeSpan PipeDrainBound = TimeSpan.FromSeconds(2);

    private readonly CommandTask<CommandResult> _command;
    private readonly ServerOutput _output;
    private readonly CancellationTokenSource _pipes;
    private readonly IProcessTable _processTable;
    private readonly TimeProvider _time;
    private List<(int Pid, long StartTime)> _outsideGroup = [];

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

    public Task<string> FatalLine => _output.FatalLine;

    /// <summary>
    /// CliWrap's task completes only when the output pipes close, and a helper the server started keeps them
    /// open after the server is gone, so the exit is taken from the runtime's reaping of the child instead.
    /// </summary>
    private async Task<ServerExit> WatchExitAsync()
    {
        await Task.WhenAny(_command.Task, ChildExit.WaitAsync(Pid));
        var at = _time.GetUtcNow();
        // Without a helper the pipes close with the process, and CliWrap has the code a moment later.
        await Task.WhenAny(_command.Task, Task.Delay(PipeCloseWait, _time));
        // Its last words (a SIGABRT's reason among them) reach the stderr tail once the log has caught up with the pipes.
        if (_command.Task.IsCompleted)
            await Task.WhenAny(_output.Logged, Task.Delay(PipeCloseWait, _time));
        return new ServerExit(await TryGetExitCodeAsync(), at);
    }

    private async Task<int?> TryGetExitCodeAsync()
    {
        if (!_command.Task.IsCompleted)
            return null;
        try
        {
            return (await _command).ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async Task<StopOutcome> StopAsync(TimeSpan gracePeriod)
    {
        var started = _time.GetTimestamp();
        var killed = await new SignalEscalation(SignalGroup, () => Exited.IsCompleted && Remaining().Count == 0, Exited, _time)
            .RunAsync(gracePeriod);

        var exit = await Exited;
        var took = _time.GetElapsedTime(started);
        if (exit.ExitCode is null)
        {
            // With the group gone the pipes close and CliWrap can report the code; the bound only guards
            // against a process that left the group and still holds them.
            await Task.WhenAny(_command.Task, Task.Delay(PipeDrainBound, _time));
            exit = exit with { ExitCode = await TryGetExitCodeAsync() };
        }
        return new StopOutcome(killed, took, exit, Remaining());
    }

    private void SignalGroup(int signal)
    {
        if (signal == Signals.SIGTERM && !Exited.IsCompleted)
            _outsideGroup = FindOutsideGroup();

        // A negative pid signals the whole group; ESRCH means it is already empty. The server is signalled by
        // pid as well in case it had not yet called setpgid when the signal was sent.
        NativeMethods.Kill(-Pid, signal);
        if (!Exited.IsCompleted)
            NativeMethods.Kill(Pid, signal);
        foreach (var pid in LiveOutsideGroup())
            NativeMethods.Kill(pid, signal);
    }

    /// <summary>
    /// The group misses a descendant that called setsid() or setpgid() itself. While the server lives such a
    /// process is still found by walking its parent links, so the stop walks them once and remembers each one
    /// with its start time. After the server has died the links lead to init and the walk finds nothing: only
    /// PR_SET_CHILD_SUBREAPER (Linux only, and it makes the daemon the reaper of every descendant) could keep
    /// them, and MLX servers do not leave their group, so that case is left to the group alone.
    /// </summary>
    private List<(int Pid, long StartTime)> FindOutsideGroup()
    {
        var members = _processTable.LiveMembers(Pid);
        return [.. _processTable.Descendants(Pid)
            .Where(pid => !members.Contains(pid))
            .Select(pid => (pid, _processTable.Identify(pid)?.StartTime))
            .Where(p => p.StartTime is not null)
            .Select(p => (p.pid, p.StartTime!.Value))];
    }

    /// <summary>The remembered escapees that still run as the same process (a reused pid is left alone).</summary>
    private IEnumerable<int> LiveOutsideGroup() =>
        _outsideGroup.Where(p => _processTable.Identify(p.Pid)?.StartTime == p.StartTime).Select(p => p.Pid);

    private IReadOnlyList<int> Remaining() => [.. _processTable.LiveMembers(Pid).Concat(LiveOutsideGroup())];

    public async ValueTask DisposeAsync()
    {
        if (!Exited.IsCompleted || _processTable.LiveMembers(Pid).Count > 0)
            await StopAsync(TimeSpan.Zero);

        if (await Task.WhenAny(_command.Task, Task.Delay(PipeDrainBound, _time)) != _command.Task)
            await _pipes.CancelAsync();
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
