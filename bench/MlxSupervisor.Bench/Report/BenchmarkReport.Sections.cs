using System.Text;
using MlxSupervisor.Bench.Charts;
using MlxSupervisor.Bench.Scenarios;
using MlxSupervisor.Bench.Stats;
using static MlxSupervisor.Bench.Report.Format;

namespace MlxSupervisor.Bench.Report;

internal static partial class BenchmarkReport
{
    private static void CrashRecovery(StringBuilder md, RecoveryResult d, RecoveryResult s)
    {
        md.AppendLine($"""
            ## 1. Crash recovery

            The server is SIGKILLed {d.Samples.Count} times under each supervisor. Times are from the bench's clock just before
            `kill(2)`: to the supervisor's log line reporting the exit, to its line naming the new pid (the spawn), and to the
            first 200 from `/health` (the new server has loaded and listens).

            - mlx-supervisor: `Restart:InitialDelay` {Ms(d.Backoff.TotalMilliseconds)} (the default 2 s scaled down), `ResetAfter` 1 s,
              `Health:StartupProbeInterval` 20 ms, `Health:Interval` 1 s.
            - supervisord: `autorestart=true`, `startsecs=1`; it has no delay before restarting a program that was RUNNING.

            """);
        var table = new MarkdownTable("ms after SIGKILL", "mlx-supervisor median", "p95", "supervisord median", "p95", "mlx-supervisor ÷ supervisord (medians)");
        void Row(string name, Func<RecoverySample, double> pick, Func<RecoverySample, double>? pickSupervisord = null)
        {
            var a = Summary.Of(d.Samples.Select(pick));
            var b = Summary.Of(s.Samples.Select(pickSupervisord ?? pick));
            table.Row(name, Ms(a.Median), Ms(a.P95), Ms(b.Median), Ms(b.P95), Ratio(a.Median / b.Median));
        }
        Row("Exit reported in the log", x => x.ExitSeenMs);
        Row("Replacement spawned", x => x.SpawnMs);
        Row("Spawned − configured backoff (own overhead)", x => x.OverheadMs);
        Row("`/health` 200 again", x => x.HealthyMs);
        Row("From spawn to `/health` 200", x => x.HealthyMs - x.SpawnMs);
        md.AppendLine(table.ToString());
        md.AppendLine($"![Recovery times after SIGKILL]({RecoveryTimesChart.FileName})").AppendLine();
        md.AppendLine("""
            Reading it: supervisord notices the exit at once (the child's pipes close and wake its main loop, which then reaps
            it), but moves a program from EXITED back to STARTING only on the next pass of that loop, which waits up to 1 s
            for events (`poll(timeout=1)` in `supervisord.py`); so its respawn comes about a second after any crash. The daemon sees the exit as the runtime reaps its child (on SIGCHLD), stops what is left of the process
            group, waits for the port to be free, then waits its backoff. "From spawn to 200" is mostly the simulated server's
            own start-up (.NET and Kestrel); for the daemon it also holds its re-exec of itself (`mlx-supervisor
            __exec-in-new-group`, a .NET start-up that calls setpgid and exec's the server), which supervisord does not need
            because Python can call setpgid between fork and exec.

            """);
    }

    private static void Hang(StringBuilder md, HangResult h)
    {
        var dead = Summary.Of(h.DeclaredDeadMs);
        var spawn = Summary.Of(h.SpawnMs);
        var overIssue = h.SpawnMs.Count(x => x > h.IssueBoundMs);
        var worstOver = h.SpawnMs.Max() - h.IssueBoundMs;
        md.AppendLine($"""
            ## 2. Hang detection

            The server is sent SIGSTOP {h.SpawnMs.Count} times, each at a random point of the probe cycle (after the daemon counts
            it up). A stopped server's port still accepts connections (the kernel completes the handshake) but nothing answers:
            every probe times out. Settings: {h.Settings}. A SIGTERM to a stopped process stays pending, so the daemon always
            waits the whole grace period and then SIGKILLs.

            """);
        md.AppendLine(new MarkdownTable("ms after SIGSTOP", "median", "max", "n")
            .Row("Declared dead (3rd strike logged)", Ms(dead.Median), Ms(dead.Max), dead.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Row("Replacement spawned", Ms(spawn.Median), Ms(spawn.Max), spawn.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .ToString());
        md.AppendLine($"""
            - The issue's bound, Interval × FailureThreshold + Timeout + GracePeriod + backoff = **{Ms(h.IssueBoundMs)}**: exceeded in {overIssue} of {h.SpawnMs.Count}{(overIssue > 0 ? $", by {Ms(worstOver)} at most" : "")}.
              Probes start Interval apart whatever each one takes (the next tick is set as a probe begins), so the third
              timed-out probe ends at most FailureThreshold × Interval + Timeout after the server's last answer; what comes on
              top is the stop (SIGTERM, grace, SIGKILL, the group and the port gone), the backoff and the spawn. At the
              defaults (10 s, 5 s, 3, 10 s, 2 s) the bound is 47 s.
            - supervisord, same hang: {h.SupervisordRestarted switch
            {
                false => $"not restarted within {S(h.SupervisordWatchedMs / 1000)} ({h.SupervisordWatchedMs / h.IssueBoundMs:0.#}× the issue's bound). It has no health check of its own (an add-on event listener such as superlance's `httpok` can poll a URL); on its own, a hung server stays hung until something else notices.",
                true => "restarted (unexpected: supervisord has no health check).",
                null => "not measured.",
            }}

            """);
    }

    private static void Schedule(StringBuilder md, ScheduleResult s)
    {
        var worst = s.WorstStep;
        md.AppendLine($"""
            ## 3. Schedule fidelity

            A server that exits with code 1 as soon as it listens. Settings: {s.Settings}. These are the defaults
            (2 s doubling to 60 s, 5 failed restarts open the circuit for 60 s) divided by {TimeSpan.FromSeconds(2) / s.Policy.InitialDelay:0}.

            The promise (README, issue 2): the n-th consecutive failure waits min(InitialDelay × 2^(n−1), MaxDelay); after
            {s.Policy.BreakerThreshold} failed restarts (the first start is not a restart) nothing is spawned for BreakDuration,
            then one half-open trial, and a failed trial opens the circuit again. At the defaults a server that dies at once is
            started at 0, 2, 6, 14, 30 and 62 s, then at 122 s. Each wait runs from the server's exit (the daemon counts it from
            the moment it reaped the process, a few ms before its "exited" line, and the cleanup after the exit takes
            nothing from it), so the promised spawn is the logged exit plus the promised wait; the deviation is the logged
            spawn minus that, the spawn's own time included. The "instant death" row is
            the promise if the server died the moment it was spawned: the real server lives a few hundred ms (its start-up),
            which shifts every later spawn by that much.

            **Largest deviation: {SignedMs(worst?.DeviationMs)}** (spawn {worst?.Index}); median {SignedMs(Percentiles.Median(s.Steps.Where(x => x.DeviationMs is not null).Select(x => x.DeviationMs!.Value).ToList()))}, over {s.Steps.Count} spawns.

            """);
        var table = new MarkdownTable("Spawn", "At", "Promised at", "Deviation", "Promised wait", "Actual wait (logged exit → spawn)", "Server lived", "Instant-death promise");
        foreach (var step in s.Steps)
        {
            table.Row(step.Index == 0 ? "0 (first start)" : step.CircuitOpenBefore ? $"{step.Index} (half-open trial)" : $"{step.Index} (restart {step.Index})",
                S(step.SpawnS), S(step.PromisedSpawnS), SignedMs(step.DeviationMs), Ms(step.PromisedWaitMs), Ms(step.ActualWaitMs),
                step.ExitS is { } e ? Ms((e - step.SpawnS) * 1000) : "–", S(step.IdealSpawnS));
        }
        md.AppendLine(table.ToString());
        // The run stops right after the circuit opens for the last time: that span has no half-open yet.
        var spans = s.OpenSpans.Select(o => s.HalfOpenAtS.Any(h => h > o.From) ? $"{S(o.From)} to {S(o.To)} ({S(o.To - o.From)})" : $"{S(o.From)} to the end of the run");
        md.AppendLine($"Circuit open (its \"Circuit open\" line to its \"half-open\" line): {string.Join("; ", spans)}.").AppendLine();
        md.AppendLine($"![Crash-loop timeline]({CrashLoopTimelineChart.FileName})").AppendLine();
    }

    private static void Footprint(StringBuilder md, BenchResults r, IReadOnlyList<FootprintResult> footprint)
    {
        md.AppendLine($"""
            ## 4. Footprint

            The supervisor's own process (not its server), once the server is up and {r.Settings.FootprintSettle.TotalSeconds:0.#} s have passed
            (tiered compilation has by then compiled what runs once a probe), and the daemon at 2 probes/s again once it
            has run {Duration(r.Settings.FootprintSettledAfter)} ("settled": what runs once a memory sample, every 5 s, has then
            reached its last tier too):
            VmRSS from `/proc/PID/status` sampled every second (median and max), and CPU as utime + stime from `/proc/PID/stat`
            over a {r.Settings.FootprintWindow.TotalSeconds:0} s window, in % of one core. Between probes the daemon has nothing on a
            timer but Kestrel's once-a-second heartbeats (front door and status endpoint) and the stall watchdog's check:
            a server's exit reaches it as SIGCHLD, not by polling its pid.

            """);
        var table = new MarkdownTable("Supervisor", "Condition", "RSS median", "RSS max", "CPU, % of a core", "Threads");
        foreach (var f in footprint)
            table.Row(f.Supervisor, f.Condition, $"{Number(f.RssMibMedian)} MiB", $"{Number(f.RssMibMax)} MiB", Number(f.CpuPercent, "0.00"), f.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (r.FrontDoor is { } door)
        {
            var f = door.UnderLoad;
            table.Row(f.Supervisor, $"{f.Condition} ({Number(door.UnderLoadRequestsPerSecond, "0")} requests/s)", $"{Number(f.RssMibMedian)} MiB", $"{Number(f.RssMibMax)} MiB",
                Number(f.CpuPercent, "0.00"), f.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (Selected(r, ScenarioSelection.FrontDoor))
        {
            table.Row("mlx-supervisor", "steady front-door load", "pending", "pending", "pending", "–");
        }
        md.AppendLine(table.ToString());
    }

    private static void Flood(StringBuilder md, IReadOnlyList<FloodRun> runs)
    {
        var installed = FloodFigures.Of(runs, LogThroughputScenario.AsInstalled);
        var console = FloodFigures.Of(runs, LogThroughputScenario.ConsoleToo);
        md.AppendLine($"""
            ## 5. Log throughput

            `mlx-sim-server --flood-lines {Count(installed.Lines)}` writes {Count(installed.Lines)} lines of 80 characters to stdout as fast as it
            can and prints `sim: flood of N lines took X ms` on stderr (under the daemon, the sim's stderr goes to a file of
            its own through `sh -c 'exec … 2>file'`, so that report cannot be lost with the flood). It runs straight into a
            pipe the bench drains and discards, the baseline no reader can beat, and under the daemon set up two ways:

            - **as installed**: the launchd plist sets `Serilog__WriteTo__0__Args__restrictedToMinimumLevel=Warning`, so the
              console takes only warnings;
            - **as shipped**: `appsettings.json` alone, every event of the daemon's own on the console as well, into a pipe the bench reads.

            Either way the server's lines go to its own file, `server.log` in the log folder (issue 14), not to the daemon's
            log, so the two setups should measure alike. The three alternate, in the same run. Issue 14 asks that none be
            lost and that the print time stay within 2× of the drained pipe's. Lost = lines written − flood lines found in
            `server.log`.

            """);
        md.AppendLine(new MarkdownTable("", "Drained pipe", "mlx-supervisor, as installed", "mlx-supervisor, as shipped")
            .Row("Print time, median", Ms(installed.DirectMs), Ms(installed.DaemonMs), Ms(console.DaemonMs))
            .Row("Lines/s taken in, median", Count((long)installed.DirectLinesPerSecond), Count((long)installed.DaemonLinesPerSecond), Count((long)console.DaemonLinesPerSecond))
            .Row("Print time ÷ drained pipe's (goal ≤ 2×)", "1×", Ratio(installed.Ratio), Ratio(console.Ratio))
            .Row("Lines lost, all runs (goal: none)", "–", $"{Count(installed.Lost)} of {Count((long)installed.Lines * installed.Runs)}", $"{Count(console.Lost)} of {Count((long)console.Lines * console.Runs)}")
            .ToString());
        var runsTable = new MarkdownTable("Reader", "Print time", "Lines in server.log", "server.log written over", "Daemon noted dropped");
        foreach (var run in runs)
        {
            runsTable.Row(run.Reader, Ms(run.PrintMs), run.LinesInLogFile is { } n ? Count(n) : "–", Ms(run.LogWriteMs),
                run.DroppedReported is { } dropped ? Count(dropped) : run.LinesInLogFile is null ? "–" : "none");
        }
        md.AppendLine(runsTable.ToString());
        md.AppendLine($"""
            Against issue 14's goals in this run, as installed: print time {Ratio(installed.Ratio)} the drained pipe's (goal at most 2×:
            {Met(installed.Ratio <= 2)}); {Count(installed.Lost)} lines lost (goal none: {Met(installed.Lost == 0)}).

            """);
        md.AppendLine("""
            How the daemon takes output in (`ServerOutput`, at the commit measured): it drains each pipe in 64 KB blocks,
            each stamped with the time it was read, into a buffer bounded at 32 MB, and a single pump frames the blocks into
            lines (time, pid and stream in front of each) and writes them to `server.log` in batches of up to 256 KB; when the
            buffer is full, new output is dropped and its lines counted, so a slow disk never blocks the server. The print
            time is the intake; the last two columns of the runs are how fast the file took the lines, and whether the daemon
            noted dropping any.

            """);
    }

    private static void FrontDoor(StringBuilder md, FrontDoorResult? door)
    {
        if (door is null)
        {
            md.AppendLine("""
                ## 6. Front door

                **Pending.** The daemon measured here has no front door (issue 4: reverse proxy, admission control): it was not
                in `main` when this run was taken. The harness has the scenario and runs it as soon as the daemon's
                appsettings.json has a `Proxy` section: added latency at p50 and p99 for small non-streaming requests at 1 and
                4 concurrent clients against going straight to the server, time to first byte for streaming, throughput
                (goals: under 1 ms added at p99, at least 90 % of direct throughput), and the daemon's memory and CPU under
                steady load.

                """);
            return;
        }
        md.AppendLine($"""
            ## 6. Front door

            The same simulated server, reached through the daemon's front door (`Proxy:Listen`) and straight on its own port,
            in alternating blocks of the same run. {door.Settings}. Latency is from sending the request to the end of the
            response body (small) or to its first byte (stream), measured by the bench's client on the same 2 cores as the
            daemon and the server, so "added" includes the proxy's share of the CPU. Goals (issue 4): under 1 ms added at p99,
            at least 90 % of direct throughput. This scenario keeps both cores busy by itself (client, front door and server),
            so the load average climbs during it by design; other people's builds at the same time add to it and widen p99
            on both paths, which the alternating blocks share.

            """);
        var table = new MarkdownTable("Requests", "Clients", "Direct p50", "Front door p50", "Added p50", "Direct p99", "Front door p99", "Added p99",
            "Direct req/s", "Front door req/s", "Front door ÷ direct");
        foreach (var (kind, concurrency, label) in new[] { (FrontDoorScenario.Small, 1, "small"), (FrontDoorScenario.Small, 4, "small"), (FrontDoorScenario.Stream, 1, "stream, first byte") })
        {
            var a = door.Pooled(FrontDoorScenario.Direct, kind, concurrency);
            var b = door.Pooled(FrontDoorScenario.Door, kind, concurrency);
            var sa = Summary.Of(a.LatenciesMs);
            var sb = Summary.Of(b.LatenciesMs);
            table.Row(label, concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), Precise(sa.Median), Precise(sb.Median), SignedPrecise(sb.Median - sa.Median),
                Precise(sa.P99), Precise(sb.P99), SignedPrecise(sb.P99 - sa.P99), Number(a.RequestsPerSecond, "0"), Number(b.RequestsPerSecond, "0"),
                Number(b.RequestsPerSecond / a.RequestsPerSecond * 100, "0") + " %");
        }
        md.AppendLine(table.ToString());

        var added1 = AddedP99(door, 1);
        var added4 = AddedP99(door, 4);
        var throughput = Throughput(door);
        md.AppendLine($"""
            Against issue 4's goals in this run: added p99 {SignedPrecise(added1)} at 1 client and {SignedPrecise(added4)} at 4
            (goal under 1 ms: {Met(added1 < 1 && added4 < 1)}); throughput at 4 clients {Number(throughput * 100, "0")} % of direct (goal at
            least 90 %: {Met(throughput >= 0.9)}).

            Scale matters here: the simulated server answers a small request in about {Precise(Summary.Of(door.Pooled(FrontDoorScenario.Direct, FrontDoorScenario.Small, 1).LatenciesMs).Median)},
            so a proxy hop that costs a fraction of a millisecond of CPU, on the same 2 cores as the server and the client,
            is a large share of each request. A real MLX server spends hundreds of milliseconds to minutes on one request
            and is limited to 4 at once by the front door, so the same hop is lost in the noise; this bench measures the
            hop itself, as the issue asks.

            The daemon compiles each method once (TieredCompilation is off, for the sake of its memory across restarts:
            docs/soak.md), so the framework's precompiled ReadyToRun code in Kestrel, YARP and HttpClient is never compiled
            again with profile-guided optimization once it is hot. That costs the hop some throughput; the README gives a
            spot check with tiering turned back on.

            """);
    }

    private static string Met(bool met) => met ? "met" : "**not met**";

    private static double AddedP99(FrontDoorResult door, int concurrency) =>
        Summary.Of(door.Pooled(FrontDoorScenario.Door, FrontDoorScenario.Small, concurrency).LatenciesMs).P99
        - Summary.Of(door.Pooled(FrontDoorScenario.Direct, FrontDoorScenario.Small, concurrency).LatenciesMs).P99;

    private static double Throughput(FrontDoorResult door) =>
        door.Pooled(FrontDoorScenario.Door, FrontDoorScenario.Small, 4).RequestsPerSecond
        / door.Pooled(FrontDoorScenario.Direct, FrontDoorScenario.Small, 4).RequestsPerSecond;

    private static string FrontDoorHeadline(FrontDoorResult? door)
    {
        if (door is null)
            return "pending: no front door in the daemon measured";
        return $"{SignedPrecise(AddedP99(door, 1))} / {SignedPrecise(AddedP99(door, 4))} (goal < 1 ms); {Number(Throughput(door) * 100, "0")} % of direct throughput (goal ≥ 90 %)";
    }
}
