using System.Text.RegularExpressions;
using MlxSupervisor.Bench.Processes;
using MlxSupervisor.Bench.Subjects;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>
/// SIGSTOPs the server, which then accepts connections (the kernel does) but never answers: a hang. Times the
/// daemon's "declared dead" and the replacement's spawn against the policy's bound.
/// </summary>
internal sealed partial class HangDetectionScenario(BenchPaths paths, BenchSettings settings)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private readonly Random _jitter = new(11);

    public static DaemonConfig DaemonSettings(int port) => new()
    {
        Port = port,
        HealthInterval = TimeSpan.FromMilliseconds(500),
        HealthTimeout = TimeSpan.FromMilliseconds(250),
        HealthFailureThreshold = 3,
        GracePeriod = TimeSpan.FromMilliseconds(500),
        InitialDelay = TimeSpan.FromMilliseconds(200),
        ResetAfter = TimeSpan.FromSeconds(1),
    };

    public async Task<HangResult> RunAsync()
    {
        var port = FreePort.Next();
        var config = DaemonSettings(port);
        var issueBound = config.HealthInterval * config.HealthFailureThreshold + config.HealthTimeout + config.GracePeriod + config.InitialDelay;
        var loopBound = (config.HealthInterval + config.HealthTimeout) * config.HealthFailureThreshold + config.GracePeriod + config.InitialDelay;

        var dead = new List<double>();
        var spawned = new List<double>();
        await using (var daemon = DaemonUnderTest.Start(paths, config))
        {
            using var poller = new HealthPoller();
            var url = SimArguments.HealthUrl(port);
            var from = 0;
            for (var i = 0; i < settings.HangRepeats; i++)
            {
                var pid = await CrashRecoveryScenario.WaitUpAsync(daemon, poller, url, from);
                // A random phase against the probe loop, so the figures span its whole cycle.
                await Task.Delay(TimeSpan.FromMilliseconds(_jitter.Next(0, (int)config.HealthInterval.TotalMilliseconds)));
                var mark = daemon.Log.Count;
                var stoppedAt = DateTimeOffset.UtcNow;
                NativeMethods.Kill(pid, Signals.SIGSTOP);
                try
                {
                    var (declared, _) = await daemon.Log.WaitForAsync(l => DeclaredDead().IsMatch(l.Message), mark, Within, "declaring the server dead");
                    var (spawn, index) = await daemon.Log.WaitForAsync(l => daemon.SpawnedPid(l) is not null, mark, Within, "naming a new pid");
                    dead.Add((declared.At - stoppedAt).TotalMilliseconds);
                    spawned.Add((spawn.At - stoppedAt).TotalMilliseconds);
                    from = index;
                    Console.WriteLine($"  hang {i + 1}/{settings.HangRepeats}: declared dead {dead[^1]:0} ms, replacement spawned {spawned[^1]:0} ms");
                }
                finally
                {
                    // The daemon SIGKILLs it after the grace period; a SIGSTOPped process left here would be ours to clean up.
                    if (ProcFs.IsRunning(pid))
                    {
                        NativeMethods.Kill(pid, Signals.SIGCONT);
                        NativeMethods.Kill(pid, Signals.SIGKILL);
                    }
                }
            }
        }

        var (restarted, watched) = await SupervisordAsync(loopBound * settings.HangWatchFactor);
        return new HangResult(Describe(config), dead, spawned, issueBound.TotalMilliseconds, loopBound.TotalMilliseconds,
            restarted, watched.TotalMilliseconds);
    }

    /// <summary>supervisord has no health check: the same hang, watched for a multiple of the daemon's worst case.</summary>
    private async Task<(bool? Restarted, TimeSpan Watched)> SupervisordAsync(TimeSpan watch)
    {
        if (paths.Supervisord is null)
            return (null, TimeSpan.Zero);
        var port = FreePort.Next();
        await using var supervisord = SupervisordUnderTest.Start(paths, port);
        using var poller = new HealthPoller();
        var pid = await CrashRecoveryScenario.WaitUpAsync(supervisord, poller, SimArguments.HealthUrl(port), 0);
        var mark = supervisord.Log.Count;
        NativeMethods.Kill(pid, Signals.SIGSTOP);
        try
        {
            await Task.Delay(watch);
            var restarted = supervisord.Log.Snapshot().Skip(mark).Any(l => supervisord.IsExit(l) || supervisord.SpawnedPid(l) is not null);
            Console.WriteLine($"  supervisord, hung server: restarted within {watch.TotalSeconds:0.0} s: {restarted}");
            return (restarted, watch);
        }
        finally
        {
            NativeMethods.Kill(pid, Signals.SIGCONT);
        }
    }

    private static string Describe(DaemonConfig c) =>
        $"Interval {c.HealthInterval.TotalMilliseconds:0} ms, Timeout {c.HealthTimeout.TotalMilliseconds:0} ms, FailureThreshold {c.HealthFailureThreshold}, " +
        $"GracePeriod {c.GracePeriod.TotalMilliseconds:0} ms, InitialDelay (backoff) {c.InitialDelay.TotalMilliseconds:0} ms";

    [GeneratedRegex(@"^Server pid=\d+ declared dead ")]
    private static partial Regex DeclaredDead();
}
