using System.Diagnostics;
using System.Globalization;
using System.Text;
using MlxSupervisor.Bench.Logs;
using MlxSupervisor.Bench.Processes;
using MlxSupervisor.Bench.Subjects;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>
/// Issue 13's swap cost: two OnDemand servers, A and B, with a Fleet:MemoryBudget that holds one of them. Each round, a
/// request for B while nothing runs (room free), then, once B has gone idle and been stopped, a request for A, and at
/// once one for B, which must wait for A to stop. What the swap costs beyond B's own load is its request-to-answer time
/// less B's spawn-to-Running when it starts with room free.
/// </summary>
internal sealed class SwapScenario(BenchPaths paths, BenchSettings settings)
{
    // Each sim holds 100 MB besides its runtime (about 150 MB resident in all, measured): 250 MB holds one, not two.
    private const string Budget = "250MB";
    private const string Estimate = "200MB";
    private static readonly string[] Sim = ["--allocate-mb", "100", "--load-ms", "300"];
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Between A's answer and the request for B: time for A's request to end in the daemon too, so A is idle, not draining.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    public async Task<SwapResult> RunAsync()
    {
        var a = new FleetServer("a", "model-a", FreePort.Next()) { Start = "OnDemand", IdleTimeout = IdleTimeout, MemoryEstimate = Estimate, ExtraSimArguments = Sim };
        var b = a with { Name = "b", Model = "model-b", Port = FreePort.Next() };
        var config = new DaemonConfig
        {
            Port = a.Port,
            Servers = [a, b],
            MemoryBudget = Budget,
            // Positive, as the daemon requires, and short enough that a server is never too young to be stopped.
            MinResidency = TimeSpan.FromMilliseconds(1),
        };
        await using var daemon = DaemonUnderTest.Start(paths, config);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = config.ProxyListen, Timeout = Within };
        await daemon.Log.WaitForAsync(DaemonLines.IsSupervisionStopped, 0, Within, "holding the OnDemand servers stopped");

        var free = new List<OnDemandStartSample>();
        var swaps = new List<SwapSample>();
        // Round 0 is a warm-up, not kept: the daemon's first starts and stops run code it compiles then.
        for (var round = 0; round <= settings.SwapRepeats; round++)
        {
            var (start, bPid) = await StartAsync(daemon, client, b);
            await StoppedAsync(daemon, bPid);
            var (_, aPid) = await StartAsync(daemon, client, a);
            await Task.Delay(Settle);
            var (swap, swappedPid) = await SwapAsync(daemon, client, a, aPid, b);
            await StoppedAsync(daemon, swappedPid);
            var label = round == 0 ? "warm-up" : $"{round}/{settings.SwapRepeats}";
            Console.WriteLine($"  round {label}: B with room free {start.TotalMs:0} ms (spawn to Running {start.SpawnToRunningMs:0} ms); " +
                $"B after A {swap.TotalMs:0} ms (A's stop {swap.StopMs:0} ms of which {swap.EvictToSigtermMs:0} ms to its SIGTERM, A gone to B's spawn {swap.StoppedToSpawnMs:0} ms, spawn to Running {swap.SpawnToRunningMs:0} ms)");
            if (round == 0)
                continue;
            free.Add(start);
            swaps.Add(swap);
        }
        var text = $"servers `a` and `b`, OnDemand, each a sim `{string.Join(' ', Sim)}` (HTTP/1.1) with `MemoryEstimate` {Estimate}; `Fleet:MemoryBudget` {Budget}, " +
            $"`MinResidency` 1 ms, `IdleTimeout` {IdleTimeout.TotalSeconds:0} s (what stops B between rounds); `Health:Readiness` Generation (shipped), " +
            $"`StartupProbeInterval` 20 ms; the request is a chat completion with `max_tokens` 1; the request for B follows A's answer by {Settle.TotalMilliseconds:0} ms; " +
            $"{Report.Format.Plural(settings.SwapRepeats, "round")} after one unmeasured";
        return new SwapResult(text, free, swaps);
    }

    /// <summary>A request for <paramref name="server"/>, which is stopped and has room.</summary>
    private static async Task<(OnDemandStartSample Sample, int Pid)> StartAsync(DaemonUnderTest daemon, HttpClient client, FleetServer server)
    {
        var mark = daemon.Log.Count;
        var (sent, total, answered) = await AskAsync(client, server);
        var (decision, decisionIndex) = await daemon.Log.WaitForAsync(l => DaemonLines.IsOnDemandStart(l, server.Name), mark, Within, $"starting {server.Name}");
        var (spawn, spawnIndex) = await daemon.Log.WaitForAsync(l => daemon.SpawnedPid(l) is not null, decisionIndex, Within, $"spawning {server.Name}");
        var pid = daemon.SpawnedPid(spawn)!.Value;
        var (running, _) = await daemon.Log.WaitForAsync(l => DaemonLines.IsRunning(l, pid), spawnIndex, Within, $"calling {server.Name} Running");
        return (new OnDemandStartSample(total, Ms(decision.At - sent), Ms(spawn.At - decision.At), Ms(running.At - spawn.At), Ms(answered - running.At)), pid);
    }

    /// <summary>A request for <paramref name="server"/> while <paramref name="holder"/> runs idle in the room it needs.</summary>
    private static async Task<(SwapSample Sample, int Pid)> SwapAsync(DaemonUnderTest daemon, HttpClient client, FleetServer holder, int holderPid, FleetServer server)
    {
        var mark = daemon.Log.Count;
        var (sent, total, answered) = await AskAsync(client, server);
        (LogLine Line, int Index) evict;
        try
        {
            evict = await daemon.Log.WaitForAsync(l => DaemonLines.IsStoppingForRoom(l, holder.Name, server.Name), mark, TimeSpan.FromSeconds(5), $"stopping {holder.Name} for {server.Name}");
        }
        catch (TimeoutException e)
        {
            throw new InvalidOperationException($"The request for {server.Name} was answered without {holder.Name} being stopped for room: Fleet:MemoryBudget {Budget} did not force a swap.", e);
        }
        var (sigterm, _) = await daemon.Log.WaitForAsync(l => DaemonLines.IsSigtermSent(l, holderPid), evict.Index, Within, $"sending {holder.Name} SIGTERM");
        var (gone, goneIndex) = await daemon.Log.WaitForAsync(l => DaemonLines.IsStopped(l, holderPid), evict.Index, Within, $"with {holder.Name}'s stop");
        var (spawn, spawnIndex) = await daemon.Log.WaitForAsync(l => daemon.SpawnedPid(l) is not null, mark, Within, $"spawning {server.Name}");
        if (spawnIndex < goneIndex)
            throw new InvalidOperationException($"{server.Name} was spawned ({spawn.Message}) before {holder.Name} (pid {holderPid}) had stopped ({gone.Message}): both were alive at once, over the budget.");
        var pid = daemon.SpawnedPid(spawn)!.Value;
        var (running, _) = await daemon.Log.WaitForAsync(l => DaemonLines.IsRunning(l, pid), spawnIndex, Within, $"calling {server.Name} Running");
        return (new SwapSample(total, Ms(evict.Line.At - sent), Ms(sigterm.At - evict.Line.At), Ms(gone.At - evict.Line.At), Ms(spawn.At - gone.At), Ms(running.At - spawn.At), Ms(answered - running.At)), pid);
    }

    /// <summary>Waits until the server of <paramref name="pid"/> has gone idle, been stopped, and is held Stopped.</summary>
    private static async Task StoppedAsync(DaemonUnderTest daemon, int pid)
    {
        var (_, index) = await daemon.Log.WaitForAsync(l => DaemonLines.IsStopped(l, pid), 0, Within, $"stopping pid {pid} when idle");
        await daemon.Log.WaitForAsync(DaemonLines.IsSupervisionStopped, index, Within, $"holding pid {pid}'s server stopped");
    }

    /// <returns>When the request was sent (the bench's wall clock), its time to the end of its answer, and when that came.</returns>
    private static async Task<(DateTimeOffset Sent, double TotalMs, DateTimeOffset Answered)> AskAsync(HttpClient client, FleetServer server)
    {
        var body = $$"""{"model":"{{server.Model}}","messages":[{"role":"user","content":"hi"}],"max_tokens":1}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var sent = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(request);
        var answer = await response.Content.ReadAsStringAsync();
        var total = clock.Elapsed.TotalMilliseconds;
        var answered = DateTimeOffset.UtcNow;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"The request for {server.Model} got {(int)response.StatusCode}: {answer}");
        return (sent, total, answered);
    }

    private static double Ms(TimeSpan t) => t.TotalMilliseconds;
}
