using MlxSupervisor.Bench.Clients;
using MlxSupervisor.Bench.Logs;
using MlxSupervisor.Bench.Subjects;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>
/// Issue 12's zombies: mlx_lm.server's generation thread dies while the process lives on and /health stays 200
/// (mlx-lm #1505, #1834). The sim's thread dies after a set number of completions (<c>--generation-dies-after</c>), the
/// last of them sent by the bench straight to the server's port; the figures run from the moment the bench read its
/// <c>data: [DONE]</c> (the sim's thread dies as it has written it, so that is as close to the death as a client can see)
/// to the daemon finding the zombie, spawning a replacement and calling it Running. Sent past the front door, that last
/// completion is no client traffic to the daemon: no proof of life for its generation probe's schedule. Three ways to be found: loud (its traceback, Health:FatalOutput), quiet and idle
/// (no client; the generation probe), and busy (a client waits on it; the stall watchdog).
/// </summary>
internal sealed class ZombieScenario(BenchPaths paths, BenchSettings settings)
{
    public const string Loud = "loud";
    public const string QuietIdle = "quiet and idle";
    public const string Busy = "busy";

    public static readonly TimeSpan GenerationInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan GenerationTimeout = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(1);

    private const int Tokens = 4;
    private static readonly TimeSpan InitialDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Shorter than GenerationInterval, so the bench's completion, sent once the server is stable, is the thread's last, not a probe.</summary>
    private static readonly TimeSpan ResetAfter = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Quiet and idle: how much later than "stable" the zombie may come, drawn evenly (fixed seed), so it falls at
    /// different points between the generation probes; ResetAfter plus this stays well short of GenerationInterval.
    /// </summary>
    private static readonly TimeSpan QuietPhase = TimeSpan.FromMilliseconds(400);

    private readonly Random _jitter = new(12);

    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    /// <summary>How long a completion may go without an answer before the thread counts as dead (a live one answers in ms).</summary>
    private static readonly TimeSpan QuietWait = TimeSpan.FromMilliseconds(500);

    /// <summary>How long after a completion its traceback may take to reach the daemon's log before the thread counts as alive.</summary>
    private static readonly TimeSpan LoudWait = TimeSpan.FromSeconds(2);

    public async Task<ZombieResult> RunAsync() => new([await RunAsync(Loud), await RunAsync(QuietIdle), await RunAsync(Busy)]);

    private async Task<ZombieRun> RunAsync(string kind)
    {
        // A server's first completions are the daemon's readiness probe (if it counts: see OneAsync) and, for a busy
        // zombie's replacement, the client that waited on it; so a busy server lives one completion longer, and each round
        // begins with its thread alive.
        var diesAfter = kind == Busy ? 3 : 2;
        string[] sim = ["--http10", "--tokens", Tokens.ToString(System.Globalization.CultureInfo.InvariantCulture), "--generation-dies-after", diesAfter.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        var config = new DaemonConfig
        {
            Port = Processes.FreePort.Next(),
            ExtraSimArguments = kind == Loud ? sim : [.. sim, "--silent-death"],
            InitialDelay = InitialDelay,
            ResetAfter = ResetAfter,
            // Each kind changes only the setting of the path that finds it; the others keep the shipped 5 min and 2 min.
            GenerationInterval = kind == QuietIdle ? GenerationInterval : null,
            GenerationTimeout = kind == QuietIdle ? GenerationTimeout : null,
            StallTimeout = kind == Busy ? StallTimeout : null,
        };
        var samples = new List<ZombieSample>();
        await using (var daemon = DaemonUnderTest.Start(paths, config))
        {
            using var door = StreamingChat.Client(config.ProxyListen!);
            using var direct = StreamingChat.Client(new Uri($"http://127.0.0.1:{config.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
            var (spawn, from) = await daemon.Log.WaitForAsync(l => daemon.SpawnedPid(l) is not null, 0, Within, "naming a pid");
            var pid = daemon.SpawnedPid(spawn)!.Value;
            for (var i = 0; i < settings.ZombieRepeats; i++)
            {
                var delay = kind == QuietIdle ? QuietPhase * _jitter.NextDouble() : TimeSpan.Zero;
                (var sample, pid, from) = await OneAsync(daemon, direct, door, kind, pid, from, delay);
                samples.Add(sample);
                Console.WriteLine($"  zombie, {kind} {i + 1}/{settings.ZombieRepeats}: found {sample.FoundMs:0} ms, replacement spawned {sample.SpawnMs:0} ms, Running {sample.RunningMs:0} ms" +
                    (sample.WaitingClient is { } w ? $"; the waiting client {(w.Whole ? "got its whole answer" : $"did not get its whole answer: {w.Outcome}")} after {w.WaitMs:0} ms" : ""));
            }
        }
        var (text, bound) = kind switch
        {
            Loud => ("the traceback on stderr, matched by the shipped `Health:FatalOutput`; no setting changed (`Health:Generation:Interval` 5 min, `Proxy:StallTimeout` 2 min)", (double?)null),
            QuietIdle => ($"`--silent-death`, no client, the zombie 0–{QuietPhase.TotalMilliseconds:0} ms after \"stable\"; `Health:Generation:Interval` {GenerationInterval.TotalMilliseconds:0} ms and `Timeout` {GenerationTimeout.TotalMilliseconds:0} ms (shipped: 5 min and 30 s)",
                (GenerationInterval + GenerationTimeout).TotalMilliseconds),
            _ => ($"`--silent-death`, a client's streamed completion sent at once; `Proxy:StallTimeout` {StallTimeout.TotalMilliseconds:0} ms (shipped: 2 min)",
                (StallTimeout + StallTimeout / 8).TotalMilliseconds),
        };
        return new ZombieRun(kind, text, bound, samples);
    }

    /// <param name="pid">The server of this round, already spawned at <paramref name="from"/>.</param>
    /// <param name="direct">A client of the server's own port, for the completions that make it a zombie.</param>
    /// <param name="door">A client of the front door, for the busy zombie's waiting client.</param>
    /// <param name="delay">How long after "stable" the zombie comes.</param>
    /// <returns>The figures, and the replacement's pid and its spawn line's index, for the next round.</returns>
    private static async Task<(ZombieSample Sample, int Pid, int From)> OneAsync(DaemonUnderTest daemon, HttpClient direct, HttpClient door, string kind, int pid, int from,
        TimeSpan delay)
    {
        var (_, running) = await daemon.Log.WaitForAsync(l => DaemonLines.IsRunning(l, pid), from, Within, $"calling pid {pid} Running");
        // Stable first, so the zombie's end is one failure after a success and the backoff is back at InitialDelay.
        await daemon.Log.WaitForAsync(l => DaemonLines.IsStable(l, pid), running, Within, $"calling pid {pid} stable");
        await Task.Delay(delay);
        var mark = daemon.Log.Count;

        // Whether the readiness probe counts as one of the thread's completions is a race in the sim (the probe hangs up
        // after its first data event, maybe before the sim has written [DONE]); so completions go on until the thread
        // is seen to have died, and the zombie dates from the last one answered.
        var zombieAt = (await WholeAsync(direct)).DoneAt!.Value;
        var answered = 1;
        Task<StreamReading>? waiting = null;
        LogLine? traceback = null;
        switch (kind)
        {
            case Loud:
                while ((traceback = await FindWithinAsync(daemon.ServerLog, l => DaemonLines.IsTraceback(l, pid), 0, LoudWait)) is null)
                {
                    zombieAt = (await WholeAsync(direct)).DoneAt!.Value;
                    answered++;
                }
                break;
            case QuietIdle:
                // A live thread answers the sim's four tokens in a few ms; a dead one sends nothing, not even headers.
                while (await StreamingChat.ReadAsync(direct, QuietWait) is { NoEnd: false } alive)
                {
                    zombieAt = Whole(alive).DoneAt!.Value;
                    answered++;
                }
                break;
            default:
                // Through the front door: the client the zombie makes wait, unless the thread was still alive and answers it.
                while (true)
                {
                    waiting = StreamingChat.ReadAsync(door, Within);
                    if (await Task.WhenAny(waiting, Task.Delay(QuietWait)) != waiting || daemon.Log.Find(DaemonLines.IsWedged, mark) is not null)
                        break;
                    zombieAt = Whole(await waiting).DoneAt!.Value;
                    answered++;
                }
                break;
        }

        var (found, _) = kind == Busy
            ? await daemon.Log.WaitForAsync(DaemonLines.IsWedged, mark, Within, "from the stall watchdog")
            : await daemon.Log.WaitForAsync(l => DaemonLines.IsDeclaredDead(l, pid), mark, Within, $"declaring pid {pid} dead");
        var (spawn, spawnIndex) = await daemon.Log.WaitForAsync(l => daemon.SpawnedPid(l) is { } p && p != pid, mark, Within, "naming the replacement's pid");
        var next = daemon.SpawnedPid(spawn)!.Value;
        var (up, _) = await daemon.Log.WaitForAsync(l => DaemonLines.IsRunning(l, next), spawnIndex, Within, $"calling the replacement pid {next} Running");

        WaitingClient? client = null;
        if (waiting is not null)
        {
            var answer = await waiting;
            client = new WaitingClient(StreamVerdicts.Judge(answer, StreamVerdicts.SimAnswer(Tokens)) == StreamVerdict.Whole,
                (answer.EndedAt - answer.SentAt).TotalMilliseconds, Ms(up.At, answer.EndedAt), answer.ToString());
        }
        var tracebackMs = traceback is null ? (double?)null : Ms(zombieAt, traceback);
        return (new ZombieSample(tracebackMs, Ms(zombieAt, found), Ms(zombieAt, spawn), Ms(zombieAt, up), client, answered), next, spawnIndex);
    }

    private static async Task<StreamReading> WholeAsync(HttpClient client) => Whole(await StreamingChat.ReadAsync(client, Within));

    private static StreamReading Whole(StreamReading answer) =>
        StreamVerdicts.Judge(answer, StreamVerdicts.SimAnswer(Tokens)) == StreamVerdict.Whole
            ? answer
            : throw new InvalidOperationException($"A completion sent while the generation thread still lived was not answered whole: {answer}");

    /// <returns>The first matching line from <paramref name="from"/> on, or null if none came within <paramref name="within"/>.</returns>
    private static async Task<LogLine?> FindWithinAsync(LogStream log, Func<LogLine, bool> match, int from, TimeSpan within)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (true)
        {
            if (log.Find(match, from) is { } line)
                return line;
            if (DateTimeOffset.UtcNow > deadline)
                return null;
            await Task.Delay(5);
        }
    }

    private static double Ms(DateTimeOffset from, LogLine to) => (to.At - from).TotalMilliseconds;

    private static double Ms(DateTimeOffset from, DateTimeOffset to) => (to - from).TotalMilliseconds;
}
