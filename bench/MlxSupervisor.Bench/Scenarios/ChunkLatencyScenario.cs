using System.Globalization;
using MlxSupervisor.Bench.Clients;
using MlxSupervisor.Bench.Processes;
using MlxSupervisor.Bench.Subjects;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>
/// Issue 14's streaming figure: what the front door adds to each SSE chunk under 16 concurrent streams (and 1). The sim
/// stamps each chunk with its monotonic clock as it writes it (<c>--stamp-chunks</c>); the bench reads each stream as
/// its bytes arrive and takes its own monotonic clock at each read. The same streams go straight to the sim's port, in
/// alternating blocks, so what the client's own wake-up costs on this machine is measured too, and taken away.
/// </summary>
internal sealed class ChunkLatencyScenario(BenchPaths paths, BenchSettings settings)
{
    public const string Direct = "direct";
    public const string Door = "front door";

    /// <summary>Issue 14's target is at 16 streams; 1 is reported too.</summary>
    public static readonly int[] Streams = [1, 16];

    private static readonly TimeSpan Within = TimeSpan.FromMinutes(2);

    public async Task<ChunkLatencyResult> RunAsync()
    {
        var serverPort = FreePort.Next();
        var doorPort = FreePort.Next();
        string[] sim = ["--tokens", settings.ChunkTokens.ToString(CultureInfo.InvariantCulture),
            "--token-delay-ms", settings.ChunkTokenDelayMs.ToString(CultureInfo.InvariantCulture), "--stamp-chunks"];
        // Streams.Max() at once, so that none of them waits in the front door's queue.
        var doorUrl = Loopback.Url(doorPort);
        var config = new DaemonConfig
        {
            Port = serverPort,
            ExtraSimArguments = sim,
            MaxConcurrentRequests = Streams.Max(),
            ProxyListen = doorUrl,
        };
        await using var daemon = DaemonUnderTest.Start(paths, config);
        using (var poller = new HealthPoller())
            await CrashRecoveryScenario.WaitUpAsync(daemon, poller, SimArguments.HealthUrl(serverPort), 0);

        using var direct = StreamingChat.Client(Loopback.Url(serverPort));
        using var door = StreamingChat.Client(doorUrl);
        var targets = new[] { (Direct, direct), (Door, door) };

        // Warm-up, not kept: the first streams through each path compile the code they run.
        foreach (var (_, client) in targets)
            await BlockAsync(client, Streams.Max(), Math.Min(settings.ChunkTokens, 8));

        var runs = new List<ChunkRun>();
        foreach (var streams in Streams)
        {
            for (var block = 0; block < settings.ChunkBlocks; block++)
            {
                foreach (var (name, client) in block % 2 == 0 ? targets : targets.Reverse())
                {
                    var latencies = await BlockAsync(client, streams, settings.ChunkTokens);
                    runs.Add(new ChunkRun(name, streams, block, latencies));
                    var s = Stats.Summary.Of(latencies);
                    Console.WriteLine($"  {name}, {streams} stream(s), block {block + 1}/{settings.ChunkBlocks}: {latencies.Count} chunks, " +
                        $"p50 {s.Median:0.000} ms, p99 {s.P99:0.000} ms, max {s.Max:0.000} ms");
                }
            }
        }
        var text = $"sim `{string.Join(' ', sim)}` (HTTP/1.1), `Proxy:MaxConcurrentRequests` {Streams.Max()}; {Report.Format.Plural(settings.ChunkBlocks, "alternating block")} per " +
            $"target and number of streams, each stream asking for {settings.ChunkTokens} tokens, after one unmeasured block on each";
        return new ChunkLatencyResult(text, runs);
    }

    private static async Task<IReadOnlyList<double>> BlockAsync(HttpClient client, int streams, int tokens)
    {
        var all = await Task.WhenAll(Enumerable.Range(0, streams).Select(_ => StampedStream.ReadAsync(client, tokens, Within)));
        return [.. all.SelectMany(x => x)];
    }
}
