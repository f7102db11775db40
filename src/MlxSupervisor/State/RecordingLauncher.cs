using MlxSupervisor.Process;

namespace MlxSupervisor.State;

/// <summary>
/// Writes each spawned server to the state file and removes it once the server is stopped and disposed, so a
/// daemon that was SIGKILLed leaves behind exactly the record its successor needs. An adopted server is not
/// recorded.
/// </summary>
internal sealed class RecordingLauncher(IServerLauncher inner, ServerStateFile stateFile, IProcessTable processTable, TimeProvider time)
    : IServerLauncher
{
    public async Task<IServerProcess> StartAsync(ServerLaunchSpec spec, CancellationToken cancellationToken)
    {
        var process = await inner.StartAsync(spec, cancellationToken);
        // An adopted server is not the daemon's to reclaim after a crash: the next daemon adopts it again.
        if (process.Adopted)
            return process;
        // Read now, while the pid is certainly ours; a server already gone needs no record.
        if (processTable.Identify(process.Pid) is { } identity)
        {
            stateFile.Write(new ServerRecord(process.Pid, process.Pid, identity.StartTime, spec.Command, spec.Arguments,
                Environment.ProcessId, time.GetUtcNow()));
        }
        return new RecordedServerProcess(process, stateFile);
    }

    private sealed class RecordedServerProcess(IServerProcess inner, ServerStateFile stateFile) : IServerProcess
    {
        public int Pid => inner.Pid;

        public DateTimeOffset StartedAt => inner.StartedAt;

        public Task<ServerExit> Exited => inner.Exited;

        public IReadOnlyList<string> RecentStderr => inner.RecentStderr;

        public Task<string> FatalLine => inner.FatalLine;

        public bool Adopted => inner.Adopted;

        public Task<StopOutcome> StopAsync(TimeSpan gracePeriod) => inner.StopAsync(gracePeriod);

        public async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            stateFile.Clear(Pid);
        }
    }
}
