using MlxSupervisor.Bench.Logs;
using MlxSupervisor.Bench.Processes;
using MlxSupervisor.Bench.Subjects;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>
/// A server that dies as soon as it listens (<c>--crash-after-ms 0</c>), under a schedule scaled down from the
/// defaults (2 s doubling to 60 s, break 60 s): spawn times against the promised ones, through the circuit's
/// opening and its half-open trials.
/// </summary>
internal sealed class ScheduleFidelityScenario(BenchPaths paths, BenchSettings settings)
{
    public RestartPolicy Policy { get; } = new(settings.ScheduleUnit, settings.ScheduleUnit * 30, 5, settings.ScheduleUnit * 30);

    public async Task<ScheduleResult> RunAsync()
    {
        var port = FreePort.Next();
        var config = new DaemonConfig
        {
            Port = port,
            ExtraSimArguments = ["--crash-after-ms", "0"],
            InitialDelay = Policy.InitialDelay,
            MaxDelay = Policy.MaxDelay,
            BreakerFailureThreshold = Policy.BreakerThreshold,
            BreakDuration = Policy.BreakDuration,
            SamplingWindow = TimeSpan.FromSeconds(60),
            ResetAfter = Policy.MaxDelay,
        };
        IReadOnlyList<LogLine> lines;
        await using (var daemon = DaemonUnderTest.Start(paths, config))
        {
            // Until the last half-open trial has failed and the circuit has opened once more.
            var from = 0;
            for (var trial = 0; trial < settings.HalfOpenTrials; trial++)
            {
                (_, from) = await daemon.Log.WaitForAsync(l => l.Message.StartsWith("Circuit half-open", StringComparison.Ordinal), from, TimeSpan.FromSeconds(120), "half-opening the circuit");
                from++;
            }
            await daemon.Log.WaitForAsync(l => l.Message.StartsWith("Circuit open", StringComparison.Ordinal), from, TimeSpan.FromSeconds(60), "opening the circuit again");
            lines = daemon.Log.Snapshot();
        }
        return Analyse(lines, config);
    }

    private ScheduleResult Analyse(IReadOnlyList<LogLine> lines, DaemonConfig config)
    {
        var spawns = lines.Where(l => l.Message.StartsWith("Started pid=", StringComparison.Ordinal)).ToList();
        var exits = lines.Where(l => l.Message.StartsWith("Server pid=", StringComparison.Ordinal) && l.Message.Contains(" exited ", StringComparison.Ordinal)).ToList();
        var origin = spawns[0].At;
        double S(DateTimeOffset t) => (t - origin).TotalSeconds;

        var ideal = Policy.IdealSpawnTimes(spawns.Count);
        var steps = new List<ScheduleStep>();
        for (var i = 0; i < spawns.Count; i++)
        {
            var exit = exits.FirstOrDefault(e => e.At >= spawns[i].At && (i + 1 >= spawns.Count || e.At <= spawns[i + 1].At));
            double? promisedWait = null, actualWait = null, promisedSpawn = null;
            var openBefore = false;
            if (i > 0 && steps[i - 1].ExitS is { } previousExit)
            {
                var (wait, open) = Policy.WaitAfterExit(i - 1);
                openBefore = open;
                promisedWait = wait.TotalMilliseconds;
                actualWait = (S(spawns[i].At) - previousExit) * 1000;
                promisedSpawn = previousExit + wait.TotalSeconds;
            }
            steps.Add(new ScheduleStep(i, S(spawns[i].At), exit is null ? null : S(exit.At), promisedWait, actualWait, promisedSpawn,
                ideal[i].TotalSeconds, openBefore));
        }

        var opened = lines.Where(l => l.Message.StartsWith("Circuit open", StringComparison.Ordinal)).Select(l => S(l.At)).ToList();
        var halfOpened = lines.Where(l => l.Message.StartsWith("Circuit half-open", StringComparison.Ordinal)).Select(l => S(l.At)).ToList();
        var end = S(lines[^1].At);
        var spans = opened.Select(o => new OpenSpan(o, halfOpened.Where(h => h > o).DefaultIfEmpty(end).Min())).ToList();
        var text = $"InitialDelay {config.InitialDelay.TotalMilliseconds:0} ms, MaxDelay {config.MaxDelay.TotalSeconds:0.#} s, " +
            $"CircuitBreaker FailureThreshold {config.BreakerFailureThreshold}, BreakDuration {config.BreakDuration.TotalSeconds:0.#} s, " +
            $"SamplingWindow {config.SamplingWindow.TotalSeconds:0} s; server: mlx-sim-server --crash-after-ms 0 (exit code 1 as soon as it listens)";
        foreach (var s in steps)
            Console.WriteLine($"  spawn {s.Index}: at {s.SpawnS:0.000} s, promised {s.PromisedSpawnS:0.000} s, deviation {s.DeviationMs:0} ms");
        return new ScheduleResult(Policy, text, steps, spans, halfOpened, end);
    }
}
