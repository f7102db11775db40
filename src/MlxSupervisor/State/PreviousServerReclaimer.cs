using Microsoft.Extensions.Logging;
using MlxSupervisor.Process;

namespace MlxSupervisor.State;

/// <summary>
/// At start-up, stops the server a previous daemon left running (it was SIGKILLed, or crashed), before a new one
/// is spawned: that server still holds the port and the model's memory.
/// </summary>
/// <remarks>
/// A pid alone proves nothing: the old server may be long gone and its pid reused. The record's start time
/// and command line must both match the live process, or nothing is signalled. When the leader is gone but
/// members of its group remain (helpers it left), they are stopped too: the kernel does not hand out a pid
/// while a group of that id still has members, so they can only be the old server's, and each must also have
/// started no earlier than it did.
/// </remarks>
public sealed partial class PreviousServerReclaimer
{
    private readonly ServerStateFile _stateFile;
    private readonly IProcessTable _processTable;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal PreviousServerReclaimer(ServerStateFile stateFile, IProcessTable processTable, TimeProvider time, ILogger logger)
    {
        _stateFile = stateFile;
        _processTable = processTable;
        _time = time;
        _logger = logger;
    }

    /// <summary>Stops what the state file names, if it is still there: SIGTERM, <paramref name="grace"/>, SIGKILL.</summary>
    public async Task ReclaimAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        var record = _stateFile.Read(out var problem);
        if (record is null)
        {
            if (problem is not null)
                Log.Unreadable(_logger, _stateFile.Path, problem);
            return;
        }

        var targets = new PinnedProcesses(_processTable, Targets(record), record.GroupId);
        if (targets.Pids.Count == 0)
        {
            _stateFile.Clear(record.Pid);
            return;
        }

        Log.Found(_logger, record.Pid, record.DaemonPid, record.SpawnedAt, string.Join(',', targets.Pids));
        var started = _time.GetTimestamp();
        // None of them is the daemon's child, so no reaping tells when they have gone: only the poll does.
        var killed = await targets.StopAsync(grace, ended: null, _time, cancellationToken);

        var survivors = targets.Remaining();
        if (survivors.Count > 0)
            Log.Survivors(_logger, record.Pid, string.Join(',', survivors));
        else
            Log.Stopped(_logger, record.Pid, killed ? "SIGKILL" : "SIGTERM", _time.GetElapsedTime(started).TotalSeconds);
        _stateFile.Clear(record.Pid);
    }

    private List<int> Targets(ServerRecord record)
    {
        var leader = _processTable.Identify(record.Pid);
        if (leader is not null && !record.Matches(leader))
        {
            Log.PidReused(_logger, record.Pid, string.Join(' ', leader.CommandLine));
            return [];
        }

        var members = _processTable.LiveMembers(record.GroupId)
            .Where(pid => _processTable.Identify(pid) is { } member && member.StartTime >= record.StartTime);
        // While the leader lives, its descendants are found by parent too, including any that left the group (setsid).
        var descendants = leader is null ? [] : _processTable.Descendants(record.Pid);
        return [.. members.Concat(descendants).Append(leader is null ? 0 : record.Pid).Where(pid => pid > 0).Distinct()];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 60, EventName = "PreviousServerFound", Level = LogLevel.Warning,
            Message = "Server pid={Pid} started by a previous daemon (pid {DaemonPid}, at {SpawnedAt:O}) is still running: stopping it and its processes ({Pids}) before starting a new one")]
        public static partial void Found(ILogger logger, int pid, int daemonPid, DateTimeOffset spawnedAt, string pids);

        [LoggerMessage(EventId = 61, EventName = "PreviousServerStopped", Level = LogLevel.Warning,
            Message = "Server pid={Pid} left by the previous daemon stopped after {Signal} in {Seconds:0.00} s")]
        public static partial void Stopped(ILogger logger, int pid, string signal, double seconds);

        [LoggerMessage(EventId = 62, EventName = "PreviousServerSurvivors", Level = LogLevel.Error,
            Message = "Processes of server pid={Pid} left by the previous daemon survived SIGKILL: {Pids}")]
        public static partial void Survivors(ILogger logger, int pid, string pids);

        [LoggerMessage(EventId = 63, EventName = "PreviousServerPidReused", Level = LogLevel.Information,
            Message = "The state file names server pid={Pid}, but that pid now runs something else ({CommandLine}); left alone")]
        public static partial void PidReused(ILogger logger, int pid, string commandLine);

        [LoggerMessage(EventId = 64, EventName = "StateFileUnreadable", Level = LogLevel.Warning,
            Message = "Ignoring the unreadable state file {Path}: {Problem}")]
        public static partial void Unreadable(ILogger logger, string path, string problem);
    }
}
