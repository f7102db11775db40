using System.Globalization;
using MlxSupervisor.Bench.Clients;
using MlxSupervisor.Bench.Processes;
using MlxSupervisor.Bench.Subjects;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>
/// Issue 12's stream figure: six clients stream completions through the front door, one after another each, while the
/// server (HTTP/1.0, as mlx_lm.server speaks: a stream ends where its connection ends) is SIGKILLed every few seconds.
/// Each stream is judged as its client sees it (<see cref="StreamVerdicts"/>): whole, an error it was told of, or
/// the failure this is about, a clean end of a truncated answer. The target is none of the last.
/// </summary>
internal sealed class StreamIntegrityScenario(BenchPaths paths, BenchSettings settings)
{
    public const int Clients = 6;

    /// <summary>Each stream asks for a max_tokens drawn evenly from these (fixed seed per client), so the clients do not
    /// keep in step after a restart, which would let every kill find every stream at the same point of its answer.</summary>
    public const int MinTokens = 8;
    public const int MaxTokens = 24;

    public const int TokenDelayMs = 100;

    /// <summary>SSE comments before a stream's first token, as mlx_lm.server sends during prompt processing: a kill then
    /// finds a stream whose headers went out but no content, which the front door splices onto the replacement's answer.</summary>
    public const int KeepaliveComments = 2;

    /// <summary>A kill comes this long after the server is Running, drawn evenly (fixed seed): most land mid-stream, some before a stream's first token.</summary>
    public static readonly TimeSpan KillAfterMin = TimeSpan.FromSeconds(1.5);
    public static readonly TimeSpan KillAfterMax = TimeSpan.FromSeconds(4);

    /// <summary>A stream that has neither ended nor broken by then is "no end": well beyond a stream held through a restart.</summary>
    private static readonly TimeSpan StreamBound = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(50);

    private readonly Random _jitter = new(12);

    public async Task<StreamIntegrityResult> RunAsync()
    {
        var config = new DaemonConfig
        {
            Port = FreePort.Next(),
            ExtraSimArguments = ["--http10", "--tokens", MaxTokens.ToString(CultureInfo.InvariantCulture), "--token-delay-ms", TokenDelayMs.ToString(CultureInfo.InvariantCulture),
                "--keepalive-comments", KeepaliveComments.ToString(CultureInfo.InvariantCulture)],
            InitialDelay = TimeSpan.FromMilliseconds(200),
            // Shorter than the shortest wait before a kill, so every kill finds the backoff back at InitialDelay.
            ResetAfter = TimeSpan.FromSeconds(1),
        };
        var kills = new List<DateTimeOffset>();
        var readings = new List<(int Tokens, StreamReading Reading)>();
        int sentAgain, spliced, cut;
        double killPhase;
        // The front door logs a request it sends again at Debug only; this run asks for it, to count them.
        await using (var daemon = DaemonUnderTest.Start(paths, config, environment: new Dictionary<string, string> { ["Serilog__MinimumLevel__Override__MlxSupervisor.FrontDoor"] = "Debug" }))
        {
            var (spawn, from) = await daemon.Log.WaitForAsync(l => daemon.SpawnedPid(l) is not null, 0, Within, "naming a pid");
            var pid = daemon.SpawnedPid(spawn)!.Value;
            (_, from) = await daemon.Log.WaitForAsync(l => DaemonLines.IsRunning(l, pid), from, Within, $"calling pid {pid} Running");

            using var door = StreamingChat.Client(config.ProxyListen!);
            using var stop = new CancellationTokenSource();
            var clients = Enumerable.Range(0, Clients).Select(i => Task.Run(() => StreamUntilAsync(door, new Random(100 + i), readings, stop.Token))).ToList();

            var started = DateTimeOffset.UtcNow;
            while (true)
            {
                var wait = KillAfterMin + (KillAfterMax - KillAfterMin) * _jitter.NextDouble();
                await Task.Delay(wait);
                if (DateTimeOffset.UtcNow - started > settings.StreamIntegrityDuration)
                    break;
                var mark = daemon.Log.Count;
                kills.Add(DateTimeOffset.UtcNow);
                NativeMethods.Kill(pid, Signals.SIGKILL);
                var (next, spawnIndex) = await daemon.Log.WaitForAsync(l => daemon.SpawnedPid(l) is { } p && p != pid, mark, Within, "naming the replacement's pid");
                pid = daemon.SpawnedPid(next)!.Value;
                await daemon.Log.WaitForAsync(l => DaemonLines.IsRunning(l, pid), spawnIndex, Within, $"calling pid {pid} Running");
                Console.WriteLine($"  kill {kills.Count}: {Completed(readings)} streams ended so far");
            }
            killPhase = (DateTimeOffset.UtcNow - started).TotalSeconds;
            // No new streams; those in flight are read to their end, each within its bound.
            await stop.CancelAsync();
            await Task.WhenAll(clients);
            var lines = daemon.Log.Snapshot();
            sentAgain = lines.Count(DaemonLines.IsSentAgain);
            spliced = lines.Count(DaemonLines.IsSpliced);
            cut = lines.Count(DaemonLines.IsAnswerCut);
        }

        var streams = readings.OrderBy(r => r.Reading.SentAt)
            .Select(r => new StreamRecord(StreamVerdicts.Judge(r.Reading, StreamVerdicts.SimAnswer(r.Tokens)), r.Tokens,
                kills.Any(k => k > r.Reading.SentAt && k < r.Reading.EndedAt), r.Reading))
            .ToList();
        var text = $"{Clients} clients, each sending a streamed `POST /v1/chat/completions` with max_tokens {MinTokens}–{MaxTokens} as soon as its last one ended; " +
            $"sim `--http10 --tokens {MaxTokens} --token-delay-ms {TokenDelayMs} --keepalive-comments {KeepaliveComments}` (a whole stream takes " +
            $"{(KeepaliveComments + MinTokens) * TokenDelayMs / 1000.0:0.#}–{(KeepaliveComments + MaxTokens) * TokenDelayMs / 1000.0:0.#} s, its first {KeepaliveComments * TokenDelayMs} ms keepalive comments); a SIGKILL {KillAfterMin.TotalSeconds:0.#}–{KillAfterMax.TotalSeconds:0.#} s " +
            $"(evenly drawn, fixed seed) after each server was called Running, for {settings.StreamIntegrityDuration.TotalSeconds:0} s; " +
            $"`Proxy:MaxConcurrentRequests` 4 (shipped), so two clients wait in the front door's queue at any time; `Restart:InitialDelay` 200 ms, `ResetAfter` 1 s";
        return new StreamIntegrityResult(text, Clients, MinTokens, MaxTokens, killPhase, kills, streams, sentAgain, spliced, cut);
    }

    private static async Task StreamUntilAsync(HttpClient door, Random tokens, List<(int, StreamReading)> readings, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var asked = tokens.Next(MinTokens, MaxTokens + 1);
            var reading = await StreamingChat.ReadAsync(door, StreamBound, asked);
            lock (readings)
                readings.Add((asked, reading));
            // A client told of an error pauses before it asks again, as a retrying client would, rather than spin.
            if (reading.BrokenBody is not null || !reading.IsSuccessStatus)
                await Task.Delay(RetryPause, CancellationToken.None);
        }
    }

    private static int Completed(List<(int, StreamReading)> readings)
    {
        lock (readings)
            return readings.Count;
    }
}
