using System.Globalization;
using System.Text;
using MlxSupervisor.Bench.Clients;
using MlxSupervisor.Bench.Scenarios;
using MlxSupervisor.Bench.Stats;
using static MlxSupervisor.Bench.Report.Format;

namespace MlxSupervisor.Bench.Report;

/// <summary>The sections of issue 12: a server that answers, not only one that is alive.</summary>
internal static partial class BenchmarkReport
{
    private const double ReadinessTargetMs = 100;

    private static void Readiness(StringBuilder md, ReadinessResult? r)
    {
        md.AppendLine("## 7. Port open to Running").AppendLine();
        if (r is null)
        {
            Pending(md, "readiness (issue 12: no `Health:Readiness` in its appsettings.json)");
            return;
        }
        var interval = ReadinessScenario.StartupProbeInterval.TotalMilliseconds;
        var times = StartupProbeTimes(interval).Take(7).ToArray();
        var schedule = string.Join(", ", times.Select(t => Number(t, "0")));
        md.AppendLine($"""
            A new server is Running once the daemon has had a 2xx from `Health:Url` and, with `Health:Readiness` "Generation"
            (the default), the first token of a one-token generation probe; with "Health", the 2xx alone. The startup probes
            go out at once after the spawn, then 25 ms later, each wait doubling up to `Health:StartupProbeInterval`: at
            {schedule} ms … after the spawn, then once a second. Settings: {r.Settings}.

            "Port open" is the sim's `listening` line, which it prints as its listener has started. The times are the daemon's
            own log timestamps: its `Started pid=` line (the spawn), its log of the sim's line (it logs the server's output as
            it reads it from the pipe), and its `healthy after` line (the Running transition). The pipe delivers the line a
            little after the port opened, so port open → Running is, if anything, short by that much (a few ms at most on an
            idle machine). The daemon's first server is counted apart: it starts while the daemon's own code is still cold.
            "By the schedule" is how long after the port opened the next startup probe was due, by the times above: the wait
            the ramp itself costs. Target (issue 12): under {Ms(ReadinessTargetMs)}.

            """);
        var table = new MarkdownTable("Readiness", "Starts", "Port open after the spawn, median", "Port open → Running, median", "worst",
            $"under {Ms(ReadinessTargetMs)}", "of which by the schedule, median", "Spawn → Running, median");
        foreach (var run in r.Runs)
        {
            var label = run.Readiness == ReadinessScenario.Generation ? "Generation (default)" : run.Readiness;
            ReadinessRow(table, $"{label}, restarts", run.Restarts);
            ReadinessRow(table, $"{label}, the daemon's first server", [run.First]);
        }
        md.AppendLine(table.ToString());

        var health = Summary.Of(r.Direct.Select(x => x.HealthMs));
        var token = Summary.Of(r.Direct.Select(x => x.FirstTokenMs));
        md.AppendLine($"""
            The floor, with no supervisor: the sim started by the bench and asked the moment its `listening` line was read
            (starts: {Invariant(r.Direct.Count)}, after one unmeasured): `/health` answered 200 after {Ms(health.Median)} (worst {Ms(health.Max)}),
            and a one-token completion sent after that 200 gave its first token {Ms(token.Median)} (worst {Ms(token.Max)}) after
            the port opened. That is the sim's own first answers (a cold .NET process serving its first requests); no
            probe schedule can beat it.{(health.Median >= ReadinessTargetMs ? $" Here the floor alone is above the target: with this sim no supervisor can call a server Running within {Ms(ReadinessTargetMs)} of its port opening, and what the daemon answers for is the rest." : "")}

            By the schedule, a port that opens after {Ms(times[5])} waits for the next probe up to {Ms(times[6] - times[5])}, and one that opens
            after {Ms(times[6])} up to the whole `StartupProbeInterval` ({Ms(interval)}); the wait is sure to stay under {Ms(ReadinessTargetMs)} only
            for a port that opens within {Ms(times[3])} of the spawn.

            """);
        var generation = r.Runs.FirstOrDefault(x => x.Readiness == ReadinessScenario.Generation);
        var healthOnly = r.Runs.FirstOrDefault(x => x.Readiness == ReadinessScenario.Health);
        if (generation is not null && healthOnly is not null)
        {
            var g = Summary.Of(generation.Restarts.Select(x => x.ListeningToRunningMs));
            var h = Summary.Of(healthOnly.Restarts.Select(x => x.ListeningToRunningMs));
            md.AppendLine($"""
                Against the target in this run: with Readiness Generation, {Within(generation.Restarts)} of {Invariant(generation.Restarts.Count)} restarts
                were Running within {Ms(ReadinessTargetMs)} of their port opening (the target, for every one: {Met(g.Max < ReadinessTargetMs)}); with
                Health, {Within(healthOnly.Restarts)} of {Invariant(healthOnly.Restarts.Count)} ({Met(h.Max < ReadinessTargetMs)}). The first-token probe costs
                {SignedMs(g.Median - h.Median)} at the median (Generation − Health). Take away the wait for the next probe by the
                schedule and what is left, {Ms(Beyond(generation))} (Generation) and {Ms(Beyond(healthOnly))} (Health) at the median, is
                {Against(Beyond(generation), token.Median)} the floor's first token ({Ms(token.Median)}) and {Against(Beyond(healthOnly), health.Median)} its
                `/health` ({Ms(health.Median)}){(Beyond(generation) <= token.Median && Beyond(healthOnly) <= health.Median
                    ? ": beyond the schedule's wait, the daemon adds nothing measurable to the sim's own first answers."
                    : ": what is above the floor is the daemon's own, beyond the schedule's wait.")}

                """);
        }
    }

    private static string Against(double daemon, double floor) =>
        daemon <= floor ? "within" : $"{Ms(daemon - floor)} above";

    /// <summary>The median of port open → Running less the wait for the next probe by the schedule.</summary>
    private static double Beyond(ReadinessRun run) => Percentiles.Median(run.Restarts
        .Select(x => x.ListeningToRunningMs - ScheduleWaitMs(x.SpawnToListeningMs, ReadinessScenario.StartupProbeInterval.TotalMilliseconds)).ToList());

    private static void ReadinessRow(MarkdownTable table, string label, IReadOnlyList<ReadinessSample> samples)
    {
        var open = Summary.Of(samples.Select(x => x.SpawnToListeningMs));
        var running = Summary.Of(samples.Select(x => x.ListeningToRunningMs));
        var wait = Summary.Of(samples.Select(x => ScheduleWaitMs(x.SpawnToListeningMs, ReadinessScenario.StartupProbeInterval.TotalMilliseconds)));
        var spawnToRunning = Summary.Of(samples.Select(x => x.SpawnToRunningMs));
        table.Row(label, Invariant(samples.Count), Ms(open.Median), Ms(running.Median), Ms(running.Max),
            $"{Within(samples)} of {Invariant(samples.Count)}", Ms(wait.Median), Ms(spawnToRunning.Median));
    }

    private static string Within(IReadOnlyList<ReadinessSample> samples) =>
        Invariant(samples.Count(x => x.ListeningToRunningMs < ReadinessTargetMs));

    /// <summary>The startup probes' times after the spawn, in ms: 0, then waits of 25 ms doubling up to <paramref name="longestMs"/>.</summary>
    internal static IEnumerable<double> StartupProbeTimes(double longestMs)
    {
        var at = 0.0;
        var wait = 25.0;
        while (true)
        {
            yield return at;
            at += wait;
            wait = Math.Min(wait * 2, longestMs);
        }
    }

    /// <summary>How long after <paramref name="openMs"/> (after the spawn) the next startup probe is due.</summary>
    internal static double ScheduleWaitMs(double openMs, double longestMs) => StartupProbeTimes(longestMs).First(t => t >= openMs) - openMs;

    private static void Zombies(StringBuilder md, ZombieResult? r)
    {
        md.AppendLine("## 8. Zombie to replacement").AppendLine();
        if (r is null)
        {
            Pending(md, "generation probes and fatal output (issue 12: no `Health:FatalOutput` in its appsettings.json)");
            return;
        }
        md.AppendLine("""
            A zombie is mlx_lm.server after its generation thread died: the process lives on and `/health` answers 200, but
            no completion ever gets a byte again (mlx-lm #1505, #1834). The sim's thread dies after a set number of completions
            (`--generation-dies-after`), the last of them sent by the bench straight to the server's own port once the
            daemon had called it stable. The daemon's readiness probe hangs up after its first data event, so whether the sim
            counts it is a race; the bench sends completions until the thread is seen to have died (its traceback, or a
            completion that gets no byte in 500 ms, or for the busy zombie a waiting client that is not answered at once).
            **It became a zombie** the moment the bench read the `data: [DONE]` of the last completion answered: the sim's
            thread dies as it has written it (and prints its traceback then, when it does), and the bench reads it over
            loopback with nothing in between (through the front door, if the busy zombie's first waiting client was still
            answered). Sent past the front door, that completion is no client traffic to the daemon. Every time below runs
            from that moment (the bench's clock) to the daemon's log lines (its own timestamps): the line that found the
            zombie, the replacement's spawn, and its Running. Found by:

            - **loud**: the traceback (`Exception in thread Thread-1 (_generate):` … `[metal::malloc] Resource limit`) on
              stderr, which the shipped `Health:FatalOutput` matches; "found" is the daemon's `declared dead` line;
            - **quiet and idle**: no output and no client, so only the generation probe can tell; "found" is its `declared
              dead` line, due `Health:Generation:Interval` after the last proof of life (the readiness probe's token: the
              bench's completion went past the front door) plus `Timeout`, so at most the two after the zombie;
            - **busy**: no output, and a client's streamed completion sent through the front door at once, which gets no
              byte; the stall watchdog restarts the server after `Proxy:StallTimeout` without a byte (checked every eighth
              of it), and the front door sends the waiting request again to the replacement, since nothing reached its
              client; "found" is the watchdog's `wedged` line.

            All: sim `--http10 --tokens 4`, `Restart:InitialDelay` 200 ms (the replacement's backoff), `ResetAfter` 300 ms,
            `Health:Interval` 1 s.

            """);
        md.AppendLine("""
            "Bound by the settings" is when the zombie must be found at the latest: for the quiet one `Interval` + `Timeout`
            after its last proof of life; for the busy one `StallTimeout` and one check period (an eighth of it) after its
            last progress, the waiting request's arrival, which comes a few ms after the zombie. Timers on a loaded machine
            fire late, so a figure a little over the bound says more about the machine than about the daemon.

            """);
        var table = new MarkdownTable("Zombie", "Found by", "n", "Found, median (worst)", "Replacement spawned, median", "Replacement Running, median (worst)", "Bound by the settings");
        foreach (var run in r.Runs)
        {
            var found = Summary.Of(run.Samples.Select(x => x.FoundMs));
            var spawn = Summary.Of(run.Samples.Select(x => x.SpawnMs));
            var running = Summary.Of(run.Samples.Select(x => x.RunningMs));
            var bound = run.BoundMs is { } b
                ? $"found within {Ms(b)}: {Invariant(run.Samples.Count(x => x.FoundMs <= b))} of {Invariant(run.Samples.Count)}"
                : "–";
            table.Row(run.Kind, run.Settings, Invariant(run.Samples.Count), $"{Ms(found.Median)} ({Ms(found.Max)})", Ms(spawn.Median),
                $"{Ms(running.Median)} ({Ms(running.Max)})", bound);
        }
        md.AppendLine(table.ToString());
        var samples = r.Runs.SelectMany(x => x.Samples).ToList();
        var extra = samples.Count(x => x.Answered > 1);
        md.AppendLine($"The bench's first completion was the thread's last in {Invariant(samples.Count - extra)} of {Invariant(samples.Count)} zombies; in the other {Invariant(extra)} the sim had counted one completion fewer than it was sent (most likely the readiness probe, which hangs up early), and one more was answered first.").AppendLine();

        if (r.Runs.FirstOrDefault(x => x.Kind == ZombieScenario.Loud) is { } loud && loud.Samples.All(x => x.TracebackMs is not null))
        {
            var traceback = Summary.Of(loud.Samples.Select(x => x.TracebackMs!.Value));
            md.AppendLine($"""
                Loud: the traceback's first line reached the daemon's log {SignedMs(traceback.Median)} (worst {SignedMs(traceback.Max)}) after the
                bench read `[DONE]`. The sim prints it in the same instant as it writes `[DONE]`, so that figure, and a "found"
                near zero, are two processes' clocks reading one moment: negative means the daemon stamped its line before
                the bench had read its `[DONE]`. A loud zombie is found as soon as its traceback is read; what follows is the
                stop, the backoff and the replacement's start.

                """);
        }
        if (r.Runs.FirstOrDefault(x => x.Kind == ZombieScenario.Busy) is { } busy && busy.Samples.All(x => x.WaitingClient is not null))
        {
            var clients = busy.Samples.Select(x => x.WaitingClient!).ToList();
            var wait = Summary.Of(clients.Select(x => x.WaitMs));
            var after = Summary.Of(clients.Select(x => x.AfterRunningMs));
            var whole = clients.Count(x => x.Whole);
            md.AppendLine($"""
                Busy: the client that waited on the zombie was answered by the replacement, whole, in {Invariant(whole)} of {Invariant(clients.Count)}
                ({Met(whole == clients.Count)}); it waited {Ms(wait.Median)} (worst {Ms(wait.Max)}) from its request to the end of its answer,
                of which {Ms(after.Median)} (worst {Ms(after.Max)}) after the replacement was Running.{(whole == clients.Count ? "" : " Not whole: " + string.Join("; ", clients.Where(x => !x.Whole).Select(x => x.Outcome)) + ".")}

                """);
        }
    }

    private static void StreamIntegrity(StringBuilder md, StreamIntegrityResult? r)
    {
        md.AppendLine("## 9. Streams under kill -9").AppendLine();
        if (r is null)
        {
            Pending(md, "front door (issue 4: no `Proxy` section in its appsettings.json)");
            return;
        }
        var total = r.Streams.Count;
        var whole = r.Count(StreamVerdict.Whole);
        var error = r.Count(StreamVerdict.ErrorSeen);
        var truncated = r.Count(StreamVerdict.TruncatedClean);
        var noEnd = r.Count(StreamVerdict.NoEnd);
        md.AppendLine($"""
            The server speaks HTTP/1.0, as mlx_lm.server does, so a stream ends where its connection ends: a server SIGKILLed
            mid-stream closes it as if it had finished. Settings: {r.Settings}. SIGKILLs: {Invariant(r.Kills.Count)} in {S(r.KillPhaseS)};
            then no new streams, and those in flight were read to their end. Each client is HttpClient reading the SSE body
            line by line, as the OpenAI SDKs do, and each stream is judged by what its client saw:

            - **whole**: a 2xx, every token it asked for in order (`tok1` … `tokN`, N its max_tokens), a `finish_reason`,
              `data: [DONE]` and a clean end;
            - **error seen**: a status other than 2xx, an SSE `data: {"{"}"error": …{"}"}` event, or a connection or body that broke
              (an exception in the client);
            - **truncated but clean**: a 2xx whose body ended cleanly with no error, but without `[DONE]`, without a
              `finish_reason`, or with tokens missing: the client is handed a short answer as complete. Target: none.

            """);
        var inKill = r.Streams.Where(x => x.CrossedKill).ToList();
        var table = new MarkdownTable("Streams", "All", "In flight at a SIGKILL");
        string Share(int n, int of) => of == 0 ? "0" : $"{Invariant(n)} ({Number(100.0 * n / of, "0")} %)";
        void Row(string label, Func<StreamRecord, bool> pick) => table.Row(label, Share(r.Streams.Count(pick), total), Share(inKill.Count(pick), inKill.Count));
        Row("Whole", x => x.Verdict == StreamVerdict.Whole);
        Row("Error seen", x => x.Verdict == StreamVerdict.ErrorSeen);
        Row("… a status other than 2xx, or no response", x => x.Verdict == StreamVerdict.ErrorSeen && !x.Reading.IsSuccessStatus);
        Row("… an SSE error event, then a broken connection", x => x.Verdict == StreamVerdict.ErrorSeen && x.Reading.IsSuccessStatus && x.Reading.ErrorEvent is not null && x.Reading.BrokenBody is not null);
        Row("… an SSE error event, then a clean end", x => x.Verdict == StreamVerdict.ErrorSeen && x.Reading.IsSuccessStatus && x.Reading.ErrorEvent is not null && x.Reading.BrokenBody is null);
        Row("… a broken connection, no error event", x => x.Verdict == StreamVerdict.ErrorSeen && x.Reading.IsSuccessStatus && x.Reading.ErrorEvent is null);
        Row("**Truncated but clean** (target 0)", x => x.Verdict == StreamVerdict.TruncatedClean);
        Row("No end within 60 s", x => x.Verdict == StreamVerdict.NoEnd);
        table.Row("Total", Invariant(total), Invariant(inKill.Count));
        md.AppendLine(table.ToString());
        md.AppendLine($"""
            Against issue 12's target in this run: {Invariant(truncated)} truncated but clean ({Met(truncated == 0)}); every stream whole or
            an error its client saw: {Invariant(whole + error)} of {Invariant(total)} ({Met(whole + error == total)}). A stream in flight at a kill
            that still ended whole was waiting in the front door's queue, or had had no content from the killed server: the
            front door sent requests again to a replacement {Times(r.SentAgain)} and spliced {Invariant(r.Spliced)} streams (headers
            and comments sent, no data) onto a replacement's answer; it logged {Invariant(r.Cut)} answers cut after content had gone
            out, whose clients it tells with an error event and a cut connection.

            """);
        var failures = r.Streams.Where(x => x.Verdict is StreamVerdict.TruncatedClean or StreamVerdict.NoEnd).Take(5).ToList();
        if (failures.Count > 0)
        {
            md.AppendLine($"The first {Invariant(failures.Count)} of the {Invariant(truncated + noEnd)} streams that were neither:").AppendLine();
            foreach (var f in failures)
                md.AppendLine($"- {f.Verdict}: {f.Reading}");
            md.AppendLine();
        }
    }

    private static void Pending(StringBuilder md, string what) =>
        md.AppendLine($"**Pending.** Not measured in this run: the daemon measured had no {what}, or the run came before this scenario.").AppendLine();

    private static string ReadinessHeadline(ReadinessResult? r)
    {
        if (r is null)
            return "pending: not measured in this run";
        return string.Join(" / ", r.Runs.Select(run =>
        {
            var s = Summary.Of(run.Restarts.Select(x => x.ListeningToRunningMs));
            return $"{Ms(s.Median)} ({Ms(s.Max)})";
        })) + $" (target < {Ms(ReadinessTargetMs)})";
    }

    private static string ZombiesHeadline(ZombieResult? r)
    {
        if (r is null)
            return "pending: not measured in this run";
        var text = string.Join(" / ", r.Runs.Select(run =>
        {
            var s = Summary.Of(run.Samples.Select(x => x.RunningMs));
            return $"{S(s.Median / 1000)} ({S(s.Max / 1000)})";
        }));
        var busy = r.Runs.FirstOrDefault(x => x.Kind == ZombieScenario.Busy)?.Samples.Select(x => x.WaitingClient).OfType<WaitingClient>().ToList();
        return busy is { Count: > 0 } ? $"{text}; the busy zombie's waiting client answered whole by the replacement in {Invariant(busy.Count(x => x.Whole))} of {Invariant(busy.Count)}" : text;
    }

    private static string StreamIntegrityHeadline(StreamIntegrityResult? r)
    {
        if (r is null)
            return "pending: not measured in this run";
        return $"{Invariant(r.Count(StreamVerdict.Whole))} / {Invariant(r.Count(StreamVerdict.ErrorSeen))} / **{Invariant(r.Count(StreamVerdict.TruncatedClean))}** of {Invariant(r.Streams.Count)} streams " +
            $"({Invariant(r.Clients)} clients, SIGKILLs: {Invariant(r.Kills.Count)}){(r.Count(StreamVerdict.NoEnd) is > 0 and var n ? $"; {Invariant(n)} with no end" : "")}";
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Times(int value) => value == 1 ? "once" : $"{Invariant(value)} times";
}
