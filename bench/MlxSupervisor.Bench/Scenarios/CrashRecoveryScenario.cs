using MlxSupervisor.Bench.Processes;
using MlxSupervisor.Bench.Subjects;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>
/// SIGKILLs the server again and again, each time after the supervisor counts it up (the daemon's ResetAfter,
/// supervisord's startsecs, both 1 s), and times the exit report, the respawn and the first 200 from /health.
/// </summary>
internal sealed class CrashRecoveryScenario(BenchPaths paths, BenchSettings settings)
{
    public static readonly TimeSpan DaemonBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    // A fixed seed: the same kill offsets every run, drawn so kills do not line up with either supervisor's timers.
    private readonly Random _jitter = new(7);

    public static DaemonConfig DaemonSettings(int port) => new()
    {
        Port = port,
        InitialDelay = DaemonBackoff,
        ResetAfter = TimeSpan.FromSeconds(1),
        HealthInterval = TimeSpan.FromSeconds(1),
        HealthTimeout = TimeSpan.FromMilliseconds(500),
    };

    public async Task<RecoveryResult> RunDaemonAsync()
    {
        var port = FreePort.Next();
        await using var daemon = DaemonUnderTest.Start(paths, DaemonSettings(port));
        return await MeasureAsync(daemon, port, DaemonBackoff);
    }

    public async Task<RecoveryResult> RunSupervisordAsync()
    {
        var port = FreePort.Next();
        await using var supervisord = SupervisordUnderTest.Start(paths, port);
        // supervisord has no backoff after a server that was RUNNING dies: it respawns on its next loop.
        return await MeasureAsync(supervisord, port, TimeSpan.Zero);
    }

    private async Task<RecoveryResult> MeasureAsync(ISupervisorUnderTest supervisor, int port, TimeSpan backoff)
    {
        using var poller = new HealthPoller();
        var url = SimArguments.HealthUrl(port);
        var pid = await WaitUpAsync(supervisor, poller, url, 0);
        var samples = new List<RecoverySample>();
        for (var i = 0; i < settings.Kills; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(_jitter.Next(0, 250)));
            var mark = supervisor.Log.Count;
            var killedAt = DateTimeOffset.UtcNow;
            NativeMethods.Kill(pid, Signals.SIGKILL);
            var healthy = poller.WaitHealthyAsync(url, Within);

            var (exit, _) = await supervisor.Log.WaitForAsync(supervisor.IsExit, mark, Within, $"reporting the exit of pid {pid}");
            var (spawn, spawnIndex) = await supervisor.Log.WaitForAsync(l => supervisor.SpawnedPid(l) is not null, mark, Within, "naming a new pid");
            var healthyAt = await healthy;
            pid = supervisor.SpawnedPid(spawn)!.Value;
            samples.Add(new RecoverySample(Ms(exit.At - killedAt), Ms(spawn.At - killedAt), Ms(healthyAt - killedAt), backoff.TotalMilliseconds));
            Console.WriteLine($"  {supervisor.Name} kill {i + 1}/{settings.Kills}: exit seen {samples[^1].ExitSeenMs:0} ms, spawned {samples[^1].SpawnMs:0} ms, healthy {samples[^1].HealthyMs:0} ms");
            await WaitUpAsync(supervisor, poller, url, spawnIndex);
        }
        return new RecoveryResult(supervisor.Name, backoff, samples);
    }

    /// <returns>The pid of the server the supervisor counts up, once it answers /health.</returns>
    public static async Task<int> WaitUpAsync(ISupervisorUnderTest supervisor, HealthPoller poller, Uri url, int from)
    {
        var (spawn, index) = await supervisor.Log.WaitForAsync(l => supervisor.SpawnedPid(l) is not null, from, Within, "naming a pid");
        await supervisor.Log.WaitForAsync(supervisor.IsUp, index, Within, "counting the server up");
        await poller.WaitHealthyAsync(url, Within);
        return supervisor.SpawnedPid(spawn)!.Value;
    }

    private static double Ms(TimeSpan t) => t.TotalMilliseconds;
}
