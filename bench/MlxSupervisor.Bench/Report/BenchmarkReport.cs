using System.Text;
using MlxSupervisor.Bench.Scenarios;
using MlxSupervisor.Bench.Stats;
using static MlxSupervisor.Bench.Report.Format;

namespace MlxSupervisor.Bench.Report;

/// <summary>Writes docs/benchmarks.md from one run's results: headline, machine, method, then one section per scenario.</summary>
internal static partial class BenchmarkReport
{
    public static string Render(BenchResults r)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmarks: mlx-supervisor against supervisord").AppendLine();
        md.AppendLine("<!-- Written by bench/MlxSupervisor.Bench; edit the harness, not this file. -->").AppendLine();
        if (r.Settings.Smoke)
            md.AppendLine("> **Smoke run**: 1 repeat and tiny counts, to show the harness works. These figures mean nothing.").AppendLine();
        if (r.Only is { } only)
            md.AppendLine($"> **Partial run** of {string.Join(", ", only)} alone (`--only`): the other sections are not in this report.").AppendLine();
        md.AppendLine($"""
            How fast each supervisor brings a dead server back, how soon the daemon notices a hung one, whether its crash-loop
            schedule is the one its settings promise, what it costs while idle, and how much server output it takes in; then,
            for the daemon alone, whether the server it calls Running can answer (issue 12): how soon after the port opens it
            says so, how soon a server that has stopped generating is replaced, and whether a stream cut by the server's death
            ever reaches a client as a whole answer; whether its front door keeps up with nginx as a reverse proxy, and what it
            adds to each streamed chunk (issue 14); and, for a fleet of servers, what routing by model and swapping one server
            for another cost (issue 13). The server is `mlx-sim-server`, the simulated MLX server built with the
            daemon; settings are scaled down to seconds. Both supervisors are measured in the same run, one after the other,
            on the same machine.

            Reproduce with (about {Math.Ceiling(r.Duration.TotalMinutes):0} minutes; needs Debian's `supervisor`, `nginx` and `wrk` packages):

            ```sh
            {r.Command}
            ```

            """);
        Headline(md, r);
        Machine(md, r);
        Method(md);
        if (r is { DaemonRecovery: { } daemonRecovery, SupervisordRecovery: { } supervisordRecovery })
            CrashRecovery(md, daemonRecovery, supervisordRecovery);
        if (r.Hang is { } hang)
            Hang(md, hang);
        if (r.Schedule is { } schedule)
            Schedule(md, schedule);
        if (r.Footprint is { } footprint)
            Footprint(md, r, footprint);
        if (r.Flood is { } flood)
            Flood(md, flood);
        if (Selected(r, ScenarioSelection.FrontDoor))
            FrontDoor(md, r.FrontDoor);
        if (Selected(r, ScenarioSelection.Readiness))
            Readiness(md, r.Readiness);
        if (Selected(r, ScenarioSelection.Zombies))
            Zombies(md, r.Zombies);
        if (Selected(r, ScenarioSelection.StreamIntegrity))
            StreamIntegrity(md, r.StreamIntegrity);
        if (Selected(r, ScenarioSelection.NginxPeer))
            NginxPeer(md, r);
        if (Selected(r, ScenarioSelection.ChunkLatency))
            ChunkLatency(md, r.ChunkLatency);
        if (Selected(r, ScenarioSelection.Routing))
            Routing(md, r.Routing);
        if (Selected(r, ScenarioSelection.Swap))
            Swap(md, r.Swap);
        return md.ToString();
    }

    /// <summary>Whether the run set out to measure a scenario; one it did not measure (null) is then reported as pending.</summary>
    private static bool Selected(BenchResults r, string scenario) => r.Only is null || r.Only.Contains(scenario);

    private static void Headline(StringBuilder md, BenchResults r)
    {
        md.AppendLine("## Headline").AppendLine();
        var table = new MarkdownTable("", "mlx-supervisor", "supervisord", "mlx-supervisor ÷ supervisord");
        if (r is { DaemonRecovery.Samples: { } d, SupervisordRecovery.Samples: { } s })
        {
            var dSpawn = Summary.Of(d.Select(x => x.SpawnMs));
            var dOwn = Summary.Of(d.Select(x => x.OverheadMs));
            var sSpawn = Summary.Of(s.Select(x => x.SpawnMs));
            var dHealthy = Summary.Of(d.Select(x => x.HealthyMs));
            var sHealthy = Summary.Of(s.Select(x => x.HealthyMs));
            table.Row("Respawn after SIGKILL, median (p95)", $"{Ms(dSpawn.Median)} ({Ms(dSpawn.P95)}), of which {Ms(r.DaemonRecovery.Backoff.TotalMilliseconds)} is its configured backoff",
                    $"{Ms(sSpawn.Median)} ({Ms(sSpawn.P95)}), no backoff", Ratio(dSpawn.Median / sSpawn.Median))
                .Row("Own overhead: respawn − configured backoff, median (p95)", $"{Ms(dOwn.Median)} ({Ms(dOwn.P95)})", $"{Ms(sSpawn.Median)} ({Ms(sSpawn.P95)})",
                    Ratio(dOwn.Median / sSpawn.Median))
                .Row("/health answers 200 again after SIGKILL, median (p95)", $"{Ms(dHealthy.Median)} ({Ms(dHealthy.P95)})", $"{Ms(sHealthy.Median)} ({Ms(sHealthy.P95)})",
                    Ratio(dHealthy.Median / sHealthy.Median));
        }
        if (r.Hang is { } h)
        {
            var hang = Summary.Of(h.SpawnMs);
            table.Row("Hung server (SIGSTOP) replaced, median (max)", $"{S(hang.Median / 1000)} ({S(hang.Max / 1000)}); issue's bound {S(h.IssueBoundMs / 1000)}",
                h.SupervisordRestarted switch
                {
                    false => $"never: not restarted in {S(h.SupervisordWatchedMs / 1000)} (no health check)",
                    true => "restarted",
                    null => "not measured",
                }, "–");
        }
        if (r.Schedule is { } schedule)
        {
            table.Row("Crash-loop schedule: deviation from the promise, largest (median)",
                $"{SignedMs(schedule.WorstStep?.DeviationMs)} ({SignedMs(Percentiles.Median(schedule.Steps.Where(x => x.DeviationMs is not null).Select(x => x.DeviationMs!.Value).ToList()))}) over {schedule.Steps.Count} spawns",
                "– (no backoff schedule to keep)", "–");
        }
        if (r.Footprint is { } footprint)
        {
            var idle = footprint.FirstOrDefault(f => f.Supervisor == "mlx-supervisor");
            var twice = footprint.FirstOrDefault(f => f.Condition == FootprintScenario.TwoProbesPerSecond);
            var settled = footprint.FirstOrDefault(f => f.Condition == FootprintScenario.TwoProbesPerSecondSettled);
            var sIdle = footprint.FirstOrDefault(f => f.Supervisor == "supervisord");
            table.Row("Idle, resident memory / CPU", idle is null ? "–" : $"{Number(idle.RssMibMedian)} MiB / {Number(idle.CpuPercent, "0.00")} % of a core (probe every 10 s)",
                    sIdle is null ? "–" : $"{Number(sIdle.RssMibMedian)} MiB / {Number(sIdle.CpuPercent, "0.00")} % of a core",
                    idle is null || sIdle is null ? "–" : $"{Ratio(idle.RssMibMedian / sIdle.RssMibMedian)} memory")
                .Row($"2 probes/s, resident memory / CPU, after {Duration(r.Settings.FootprintSettle)} / after {Duration(r.Settings.FootprintSettledAfter)} (issue 14's goal ≤ 48 MB / ≤ 0.3 %)",
                    twice is null ? "–" : $"{Number(twice.RssMibMedian)} MiB / {Number(twice.CpuPercent, "0.00")} % of a core" +
                        (settled is null ? "" : $"; {Number(settled.RssMibMedian)} MiB / {Number(settled.CpuPercent, "0.00")} % of a core"), "–",
                    twice is null || sIdle is null ? "–" : $"{Ratio(twice.RssMibMedian / sIdle.RssMibMedian)} memory");
        }
        if (r.Flood is { } runs)
        {
            var flood = FloodFigures.Of(runs, LogThroughputScenario.AsInstalled);
            table.Row($"Server output, {Count(flood.Lines)} lines at once (as installed)", $"{Count((long)flood.DaemonLinesPerSecond)} lines/s taken in: {Ratio(flood.Ratio)} the drained pipe's print time (goal ≤ 2×); {Count(flood.Lost)} of {Count((long)flood.Lines * flood.Runs)} lines lost over {flood.Runs} runs (goal: none)",
                "–", "–");
        }
        if (Selected(r, ScenarioSelection.FrontDoor))
            table.Row("Front door: added latency at p99, 1 / 4 clients; throughput at 4", FrontDoorHeadline(r.FrontDoor), "– (no front door)", "–");
        if (Selected(r, ScenarioSelection.Readiness))
            table.Row("Port open to Running, restarts, median (worst): Readiness Generation / Health", ReadinessHeadline(r.Readiness), "– (not measured: RUNNING `startsecs` after the spawn, whatever the server answers)", "–");
        if (Selected(r, ScenarioSelection.Zombies))
            table.Row("Zombie (generation thread dead, /health 200) to a replacement Running, median (worst): loud / quiet and idle / busy", ZombiesHeadline(r.Zombies), "– (not measured: it restarts only a server that exits, and a zombie does not)", "–");
        if (Selected(r, ScenarioSelection.StreamIntegrity))
            table.Row("Streams under kill -9: whole / error the client saw / truncated but clean (target 0)", StreamIntegrityHeadline(r.StreamIntegrity), "– (no front door)", "–");
        if (Selected(r, ScenarioSelection.NginxPeer))
            table.Row("Front door against nginx as a reverse proxy, at 1 / 4 / 16 connections: requests/s; p99 above nginx's", NginxPeerHeadline(r.NginxPeer), "– (no front door)", "–");
        if (Selected(r, ScenarioSelection.ChunkLatency))
            table.Row("Added per SSE chunk at p99, 1 / 16 streams", ChunkLatencyHeadline(r.ChunkLatency), "– (no front door)", "–");
        if (Selected(r, ScenarioSelection.Routing))
            table.Row("Routing by model, cost per request", RoutingHeadline(r.Routing), "– (no front door)", "–");
        if (Selected(r, ScenarioSelection.Swap))
            table.Row("Swap (stop an idle server for room, start another), median", SwapHeadline(r.Swap), "– (no memory budget)", "–");
        md.AppendLine(table.ToString());
    }

    private static void Machine(StringBuilder md, BenchResults r)
    {
        var m = r.Machine;
        md.AppendLine("## Machine and load").AppendLine();
        md.AppendLine(new MarkdownTable("", "")
            .Row("Cores (`nproc`)", m.Cores)
            .Row("CPU", m.CpuModel)
            .Row("Memory", m.Memory)
            .Row("OS", m.OperatingSystem)
            .Row(".NET", m.DotNet)
            .Row("supervisord", m.Supervisord)
            .Row("Commit measured", $"`{m.Commit}` (the daemon built in Release)")
            .Row("Date", m.Date.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture))
            .Row("Run took", $"{r.Duration.TotalMinutes:0.0} min")
            .ToString());
        md.AppendLine("""
            Other engineers build and test on this 2-core machine at the same time, so every figure carries their noise.
            The load average (`/proc/loadavg`: 1, 5 and 15 minutes) before and after each scenario:

            """);
        var load = new MarkdownTable("When", "Load average");
        foreach (var (when, value) in r.Load.Marks)
            load.Row(when, value);
        md.AppendLine(load.ToString());
        foreach (var note in r.Notes ?? [])
            md.AppendLine($"**Note.** {note}").AppendLine();
        var busy = BusyScenarios(r).ToList();
        if (busy.Count > 0)
            md.AppendLine($"**Measured while the machine was busier than it has cores** (1-minute load above {r.Machine.Cores} before or after it; for the front door and the routing cost, which load both cores themselves, before it): {string.Join("; ", busy)}. Take those figures with more salt than the others.").AppendLine();
        md.AppendLine("With a load near or above 2, the CPU is shared; read absolute times as upper bounds and prefer the ratios, which compare the two supervisors under the same conditions.").AppendLine();
    }

    /// <summary>Scenarios whose 1-minute load, before or after (before only for the front door), exceeded the number of cores.</summary>
    private static IEnumerable<string> BusyScenarios(BenchResults r)
    {
        if (!double.TryParse(r.Machine.Cores, System.Globalization.CultureInfo.InvariantCulture, out var cores))
            yield break;
        foreach (var scenario in r.Load.Marks.Where(m => m.When.StartsWith("before ", StringComparison.Ordinal) && !m.When.EndsWith("discarded)", StringComparison.Ordinal))
                     .Select(m => m.When["before ".Length..]))
        {
            // The front-door scenarios (and the routing cost) load both cores themselves, so only the load they started
            // under tells of other work.
            var selfLoaded = scenario.StartsWith("front door", StringComparison.Ordinal) || scenario == "routing cost";
            var peak = r.Load.Marks.Where(m => m.When == $"before {scenario}" || (!selfLoaded && m.When == $"after {scenario}"))
                .Max(m => double.Parse(m.Load.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
            if (peak > cores)
                yield return $"{scenario} (up to {peak.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)})";
        }
    }

    private static void Method(StringBuilder md) => md.AppendLine("""
        ## Method

        - **The programs.** The daemon is the real `mlx-supervisor` executable, built in Release beside `mlx-sim-server` and started
          as a child process with `--config` (a JSON file of scaled-down settings) and its own log folder (`MLXSUP_LOG_DIR`).
          Its front door and status endpoint are on, as shipped, each on a free loopback port.
          supervisord is Debian's `supervisor` package, run as a private instance (`supervisord -n -c` a generated config in a
          temp folder, its unix socket there too; not the system service), with `autorestart=true`, `startsecs=1`, and the same
          server command line. Both stop the server's whole process group.
        - **Clocks.** Each supervisor's events (exit seen, spawn, "up") are taken from the timestamps in its own log lines: the
          daemon's Serilog console template `yyyy-MM-dd HH:mm:ss.fff`, supervisord's `yyyy-MM-dd HH:mm:ss,fff`; both are written
          when the event is logged, in local time, from the same system clock as the bench's. The bench takes its own time
          (`DateTimeOffset.UtcNow`) just before each `kill(2)` and when `/health` first answers 200. Log timestamps have 1 ms
          resolution, and the bench polls `/health` every 5 ms with a new connection each time, so healthy times are
          good to about 5 ms. When the bench reads a line does not matter: only the timestamps in it count.
        - **Statistics.** Medians over repeats (the mean of the two middle values for an even count); p95 and p99 are nearest-rank
          (the smallest value with at least that share of the sample at or below it: with 20 kills, p95 is the 19th value).
          Ratios are of medians taken in the same run.
        - **Kills are spread out.** Each SIGKILL comes 0–250 ms (fixed seed) after the supervisor counts the server up, so kills
          do not line up with either supervisor's timers. The daemon's `ResetAfter` and supervisord's `startsecs` are both 1 s,
          so every kill finds the daemon's backoff back at `InitialDelay`.

        """);

    /// <summary>The flood figures of one daemon setup against the drained pipe, as the headline and the section show them.</summary>
    internal sealed record FloodFigures(int Lines, double DirectMs, double DaemonMs, double Ratio, double DaemonLinesPerSecond, double DirectLinesPerSecond,
        long Lost, int Runs)
    {
        public static FloodFigures Of(IReadOnlyList<FloodRun> runs, string reader)
        {
            var direct = runs.Where(f => f.Reader == LogThroughputScenario.DrainedPipe).Select(f => f.PrintMs).ToList();
            var daemon = runs.Where(f => f.Reader == reader).ToList();
            var lines = runs.Count == 0 ? 0 : runs[0].Lines;
            var directMs = Percentiles.Median(direct);
            var daemonMs = Percentiles.Median(daemon.Select(f => f.PrintMs).ToList());
            var lost = daemon.Sum(f => f.Lines - f.LinesInLogFile!.Value);
            return new FloodFigures(lines, directMs, daemonMs, daemonMs / directMs, lines / (daemonMs / 1000), lines / (directMs / 1000), lost, daemon.Count);
        }
    }
}
