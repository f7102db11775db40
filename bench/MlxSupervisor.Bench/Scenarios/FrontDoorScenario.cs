using System.Diagnostics;
using System.Globalization;
using System.Text;
using MlxSupervisor.Bench.Processes;
using MlxSupervisor.Bench.Subjects;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>
/// Issue 4's benchmark: small requests and streams sent through the front door and straight to the server, in
/// alternating blocks of the same run against the same server, and the daemon's footprint under steady load.
/// </summary>
internal sealed class FrontDoorScenario(BenchPaths paths, BenchSettings settings)
{
    public const string Direct = "direct";
    public const string Door = "front door";
    public const string Small = "small";
    public const string Stream = "stream";

    private const string SmallBody = """{"model":"sim","messages":[{"role":"user","content":"hi"}],"max_tokens":1}""";
    private const string StreamBody = """{"model":"sim","messages":[{"role":"user","content":"hi"}],"max_tokens":8,"stream":true}""";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    public async Task<FrontDoorResult> RunAsync()
    {
        var serverPort = FreePort.Next();
        var doorPort = FreePort.Next();
        var config = new DaemonConfig
        {
            Port = serverPort,
            ProxyListen = new Uri($"http://127.0.0.1:{doorPort.ToString(CultureInfo.InvariantCulture)}"),
            ResetAfter = TimeSpan.FromSeconds(1),
        };
        await using var daemon = DaemonUnderTest.Start(paths, config);
        using (var poller = new HealthPoller())
            await CrashRecoveryScenario.WaitUpAsync(daemon, poller, SimArguments.HealthUrl(serverPort), 0);

        using var direct = Client(serverPort);
        using var door = Client(doorPort);
        await WaitAnswersAsync(door);
        var targets = new[] { (Direct, direct), (Door, door) };

        // Warm-up, not measured: connection pools, and steady load long enough for .NET's tiered JIT to have
        // recompiled the hot paths of the daemon, the server and the bench's client.
        foreach (var (_, client) in targets)
        {
            using var warm = new CancellationTokenSource(settings.FrontDoorWarmUp);
            await SteadyLoadAsync(client, 4, warm.Token);
        }

        var runs = new List<LoadRun>();
        foreach (var concurrency in new[] { 1, 4 })
        {
            for (var block = 0; block < settings.FrontDoorBlocks; block++)
            {
                // Alternating which goes first, so drift in the machine's load touches both alike.
                foreach (var (name, client) in block % 2 == 0 ? targets : targets.Reverse())
                {
                    var (latencies, seconds) = await LoadAsync(client, SmallBody, concurrency, settings.FrontDoorRequests, firstByteOnly: false);
                    runs.Add(new LoadRun(name, Small, concurrency, latencies, seconds));
                }
            }
        }
        for (var block = 0; block < settings.FrontDoorBlocks; block++)
        {
            foreach (var (name, client) in block % 2 == 0 ? targets : targets.Reverse())
            {
                var (latencies, seconds) = await LoadAsync(client, StreamBody, 1, settings.FrontDoorRequests / 4, firstByteOnly: true);
                runs.Add(new LoadRun(name, Stream, 1, latencies, seconds));
            }
        }
        foreach (var group in runs.GroupBy(r => (r.Target, r.Kind, r.Concurrency)))
        {
            var all = group.SelectMany(r => r.LatenciesMs).ToList();
            Console.WriteLine($"  {group.Key.Target}, {group.Key.Kind}, {group.Key.Concurrency} client(s): {all.Count} requests, " +
                $"p50 {Stats.Percentiles.Median(all):0.000} ms, p99 {Stats.Percentiles.Of(all, 99):0.000} ms, {all.Count / group.Sum(r => r.Seconds):0} req/s");
        }

        // Footprint under steady load: 4 clients through the front door for the whole window.
        using var stop = new CancellationTokenSource();
        var load = SteadyLoadAsync(door, 4, stop.Token);
        await Task.Delay(settings.Settle);
        var footprint = await FootprintScenario.SampleAsync(daemon.Pid, daemon.Name, "steady front-door load, 4 clients", settings.FootprintWindow);
        await stop.CancelAsync();
        var (count, loadSeconds) = await load;
        var text = $"Proxy:MaxConcurrentRequests 4 (default); requests: `POST /v1/chat/completions` with max_tokens 1 (small, about 300 bytes back) " +
            $"and max_tokens 8 with stream=true (time to the first byte of the body); {settings.FrontDoorBlocks} alternating blocks of " +
            $"{settings.FrontDoorRequests} requests per target and concurrency, after {settings.FrontDoorWarmUp.TotalSeconds:0.#} s of warm-up load on each";
        return new FrontDoorResult(text, runs, footprint, count / loadSeconds);
    }

    private static HttpClient Client(int port) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        MaxConnectionsPerServer = 16,
    })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"),
        Timeout = Within,
    };

    private static async Task WaitAnswersAsync(HttpClient door)
    {
        var deadline = DateTime.UtcNow + Within;
        while (true)
        {
            try
            {
                using var response = await door.GetAsync("/v1/models");
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException or IOException)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The front door did not answer /v1/models");
            await Task.Delay(50);
        }
    }

    /// <summary><paramref name="concurrency"/> clients, each sending its share of <paramref name="requests"/> one after another.</summary>
    /// <returns>Each request's latency (to the whole body, or to its first byte), and the wall time of the block.</returns>
    private static async Task<(List<double> Latencies, double Seconds)> LoadAsync(HttpClient client, string body, int concurrency, int requests, bool firstByteOnly)
    {
        var latencies = new List<double>(requests);
        var wall = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var mine = new List<double>();
            for (var i = worker; i < requests; i += concurrency)
                mine.Add(await OneAsync(client, body, firstByteOnly));
            return mine;
        }).ToList();
        foreach (var mine in await Task.WhenAll(workers))
            latencies.AddRange(mine);
        return (latencies, wall.Elapsed.TotalSeconds);
    }

    private static async Task<double> OneAsync(HttpClient client, string body, bool firstByteOnly)
    {
        var buffer = new byte[16 * 1024];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var started = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        var first = await stream.ReadAsync(buffer);
        var firstByte = Stopwatch.GetElapsedTime(started);
        while (first > 0 && await stream.ReadAsync(buffer) > 0)
        {
        }
        return (firstByteOnly ? firstByte : Stopwatch.GetElapsedTime(started)).TotalMilliseconds;
    }

    private static async Task<(long Count, double Seconds)> SteadyLoadAsync(HttpClient client, int concurrency, CancellationToken stop)
    {
        var wall = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            long sent = 0;
            while (!stop.IsCancellationRequested)
            {
                await OneAsync(client, SmallBody, firstByteOnly: false);
                sent++;
            }
            return sent;
        }).ToList();
        var counts = await Task.WhenAll(workers);
        return (counts.Sum(), wall.Elapsed.TotalSeconds);
    }
}
