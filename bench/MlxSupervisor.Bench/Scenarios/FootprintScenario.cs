using System.Diagnostics;
using MlxSupervisor.Bench.Processes;
using MlxSupervisor.Bench.Stats;
using MlxSupervisor.Bench.Subjects;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>
/// RSS (VmRSS, sampled every second) and CPU (utime + stime over the window, from /proc/[pid]/stat) of the
/// supervisor process alone, not its server, once the server is up and the supervisor has settled.
/// </summary>
internal sealed class FootprintScenario(BenchPaths paths, BenchSettings settings)
{
    /// <summary>Issue 14's condition: the idle daemon watching one healthy server, probing twice a second.</summary>
    public const string TwoProbesPerSecond = "idle, 2 probes/s (issue 14's condition)";

    /// <summary>The same daemon sampled again once tiering has nothing left to compile, as on a daemon up for hours.</summary>
    public const string TwoProbesPerSecondSettled = "idle, 2 probes/s, settled";

    public async Task<IReadOnlyList<FootprintResult>> RunAsync()
    {
        var results = new List<FootprintResult>();
        foreach (var (interval, condition, sampleSettled) in new[]
                 {
                     (TimeSpan.FromSeconds(10), "idle, probe every 10 s (default)", false),
                     (TimeSpan.FromMilliseconds(500), TwoProbesPerSecond, true),
                 })
        {
            var port = FreePort.Next();
            var config = new DaemonConfig
            {
                Port = port,
                HealthInterval = interval,
                HealthTimeout = interval / 2,
                ResetAfter = TimeSpan.FromSeconds(1),
            };
            await using var daemon = DaemonUnderTest.Start(paths, config);
            var up = Stopwatch.StartNew();
            results.Add(await MeasureAsync(daemon, port, condition));
            if (!sampleSettled)
                continue;
            // A method that runs once every 5 s (a memory sample) reaches its last tier after some 60 calls, 5 minutes.
            if (settings.FootprintSettledAfter - up.Elapsed is { Ticks: > 0 } rest)
                await Task.Delay(rest);
            results.Add(await SampleAsync(daemon.Pid, daemon.Name, TwoProbesPerSecondSettled, settings.FootprintWindow));
        }

        if (paths.Supervisord is not null)
        {
            var port = FreePort.Next();
            await using var supervisord = SupervisordUnderTest.Start(paths, port);
            results.Add(await MeasureAsync(supervisord, port, "idle (no health checks)"));
        }
        return results;
    }

    public async Task<FootprintResult> MeasureAsync(ISupervisorUnderTest supervisor, int port, string condition)
    {
        using (var poller = new HealthPoller())
            await CrashRecoveryScenario.WaitUpAsync(supervisor, poller, SimArguments.HealthUrl(port), 0);
        // Tiered compilation promotes a method after 30 calls, so code that runs once a probe or once a memory sample
        // is still being compiled a minute in: the window starts once that has settled, as it has on a daemon up for hours.
        await Task.Delay(settings.FootprintSettle);
        return await SampleAsync(supervisor.Pid, supervisor.Name, condition, settings.FootprintWindow);
    }

    public static async Task<FootprintResult> SampleAsync(int pid, string name, string condition, TimeSpan window)
    {
        var rss = new List<double>();
        long threads = 0;
        var startTicks = ProcFs.CpuTicks(pid) ?? throw new InvalidOperationException($"{name} (pid {pid}) is gone");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < window)
        {
            rss.Add((ProcFs.RssKib(pid) ?? 0) / 1024.0);
            threads = Math.Max(threads, ProcFs.Threads(pid) ?? 0);
            var left = window - clock.Elapsed;
            await Task.Delay(left < TimeSpan.FromSeconds(1) ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : TimeSpan.FromSeconds(1));
        }
        var endTicks = ProcFs.CpuTicks(pid) ?? throw new InvalidOperationException($"{name} (pid {pid}) died during the window");
        var elapsed = clock.Elapsed;
        rss.Add((ProcFs.RssKib(pid) ?? 0) / 1024.0);
        var cpuSeconds = (double)(endTicks - startTicks) / NativeMethods.ClockTicksPerSecond;
        var result = new FootprintResult(name, condition, Percentiles.Median(rss), rss.Max(), cpuSeconds / elapsed.TotalSeconds * 100, threads, elapsed);
        Console.WriteLine($"  {name}, {condition}: RSS {result.RssMibMedian:0.0} MiB, CPU {result.CpuPercent:0.00} % of a core over {elapsed.TotalSeconds:0} s");
        return result;
    }
}
