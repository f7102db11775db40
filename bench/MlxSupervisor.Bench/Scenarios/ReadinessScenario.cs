using System.Globalization;
using MlxSupervisor.Bench.Clients;
using MlxSupervisor.Bench.Logs;
using MlxSupervisor.Bench.Processes;
using MlxSupervisor.Bench.Subjects;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>
/// Issue 12's first figure: how soon after a server's port opens the daemon calls it Running, with the shipped startup
/// probe schedule (at once, then 25 ms doubling up to Health:StartupProbeInterval, 1 s). Measured with Readiness
/// "Generation" (a 2xx and then a first token) and "Health" (the 2xx alone), and against a floor: the sim alone,
/// asked the moment its port opens.
/// </summary>
internal sealed class ReadinessScenario(BenchPaths paths, BenchSettings settings)
{
    public const string Generation = "Generation";
    public const string Health = "Health";

    /// <summary>The shipped Health:StartupProbeInterval; the other scenarios scale it down to 20 ms, this one measures it.</summary>
    public static readonly TimeSpan StartupProbeInterval = TimeSpan.FromSeconds(1);

    /// <summary>ResetAfter is short only so that repeats come quickly; each kill still finds the backoff back at InitialDelay.</summary>
    private static readonly TimeSpan ResetAfter = TimeSpan.FromMilliseconds(300);

    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    // mlx_lm.server speaks HTTP/1.0; one token, so the floor's first token is the whole answer.
    private static readonly string[] Sim = ["--http10", "--tokens", "1"];

    public async Task<ReadinessResult> RunAsync()
    {
        await DirectStartAsync(); // Warm-up, not kept: the bench's own HttpClient code is cold on its first use.
        var direct = new List<DirectStartSample>();
        for (var i = 0; i < settings.ReadinessRepeats; i++)
        {
            direct.Add(await DirectStartAsync());
            Console.WriteLine($"  sim alone {i + 1}/{settings.ReadinessRepeats}: /health 200 {direct[^1].HealthMs:0} ms, first token {direct[^1].FirstTokenMs:0} ms after its port opened");
        }

        var runs = new List<ReadinessRun>();
        foreach (var readiness in new[] { Generation, Health })
            runs.Add(await DaemonAsync(readiness));
        var text = $"sim `{string.Join(' ', Sim)}`; `Health:StartupProbeInterval` {StartupProbeInterval.TotalSeconds:0} s (shipped), " +
            $"`Restart:InitialDelay` 200 ms, `ResetAfter` {ResetAfter.TotalMilliseconds:0} ms; {settings.ReadinessRepeats} restarts per readiness, each after a SIGKILL once the server was stable";
        return new ReadinessResult(text, direct, runs);
    }

    private async Task<DirectStartSample> DirectStartAsync()
    {
        var port = FreePort.Next();
        var listening = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var sim = ChildProcess.Start(paths.SimServer, SimArguments.For(port, Sim), null,
            onStdout: (line, seenAt) =>
            {
                if (line.StartsWith("sim: listening on ", StringComparison.Ordinal))
                    listening.TrySetResult(seenAt);
            },
            onStderr: (_, _) => { });
        var opened = await listening.Task.WaitAsync(Within);
        using var poller = new HealthPoller();
        var healthy = await poller.WaitHealthyAsync(SimArguments.HealthUrl(port), Within);
        using var client = StreamingChat.Client(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));
        var answer = await StreamingChat.ReadAsync(client, Within);
        var token = answer.FirstDataAt ?? throw new InvalidOperationException($"The sim's first completion had no data event: {answer}");
        return new DirectStartSample((healthy - opened).TotalMilliseconds, (token - opened).TotalMilliseconds);
    }

    private async Task<ReadinessRun> DaemonAsync(string readiness)
    {
        var config = new DaemonConfig
        {
            Port = FreePort.Next(),
            ExtraSimArguments = Sim,
            Readiness = readiness,
            StartupProbeInterval = StartupProbeInterval,
            ResetAfter = ResetAfter,
        };
        await using var daemon = DaemonUnderTest.Start(paths, config);
        var from = 0;
        ReadinessSample? first = null;
        var restarts = new List<ReadinessSample>();
        for (var life = 0; life <= settings.ReadinessRepeats; life++)
        {
            var (sample, pid, stableIndex) = await OneStartAsync(daemon, from);
            Console.WriteLine($"  readiness {readiness}, {(life == 0 ? "first start" : $"restart {life}/{settings.ReadinessRepeats}")}: " +
                $"port open {sample.SpawnToListeningMs:0} ms after the spawn, Running {sample.ListeningToRunningMs:0} ms after that");
            if (life == 0)
                first = sample;
            else
                restarts.Add(sample);
            from = stableIndex;
            if (life < settings.ReadinessRepeats)
                NativeMethods.Kill(pid, Signals.SIGKILL);
        }
        return new ReadinessRun(readiness, first!, restarts);
    }

    /// <returns>The start's figures, the server's pid, and the index of its "stable" line.</returns>
    private static async Task<(ReadinessSample Sample, int Pid, int StableIndex)> OneStartAsync(DaemonUnderTest daemon, int from)
    {
        var (spawn, spawnIndex) = await daemon.Log.WaitForAsync(l => daemon.SpawnedPid(l) is not null, from, Within, "naming a new pid");
        var pid = daemon.SpawnedPid(spawn)!.Value;
        var (listening, _) = await daemon.ServerLog.WaitForAsync(l => DaemonLines.IsListening(l, pid), 0, Within, $"with pid {pid}'s listening line");
        var (running, runningIndex) = await daemon.Log.WaitForAsync(l => DaemonLines.IsRunning(l, pid), spawnIndex, Within, $"calling pid {pid} Running");
        var (_, stableIndex) = await daemon.Log.WaitForAsync(l => DaemonLines.IsStable(l, pid), runningIndex, Within, $"calling pid {pid} stable");
        return (new ReadinessSample(Ms(spawn, listening), Ms(listening, running)), pid, stableIndex);
    }

    private static double Ms(LogLine from, LogLine to) => (to.At - from.At).TotalMilliseconds;
}
