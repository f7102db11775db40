using MlxSupervisor.Bench.Load;
using MlxSupervisor.Bench.Processes;
using MlxSupervisor.Bench.Subjects;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>
/// Issue 13's routing cost: one daemon with a single server, whose front door forwards without reading the body, and
/// one with a fleet of three, whose front door reads each body's <c>model</c> and routes by it, both running at once; the
/// same wrk load of small chat completions through each front door and straight to the server it reaches, in turn.
/// </summary>
internal sealed class RoutingScenario(BenchPaths paths, BenchSettings settings)
{
    public const string SingleDoor = "single server, front door";
    public const string FleetDoor = "fleet, front door";
    public const string SingleDirect = "single server, directly";
    public const string FleetDirect = "fleet's server, directly";

    public static readonly int[] Connections = [1, 4];

    private const int FleetSize = 3;

    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    public async Task<RoutingResult> RunAsync()
    {
        if (paths.MissingForHttpLoad(needsNginx: false) is { } missing)
        {
            Console.WriteLine($"  skipped: {missing}");
            return RoutingResult.Skip(missing);
        }
        return await RunFolder.WithAsync("mlxsup-bench-routing-", MeasureAsync);
    }

    private async Task<RoutingResult> MeasureAsync(string directory)
    {
        // Every server of the fleet is AtBoot, so none starts on demand during the load; the requests name the last
        // model listed, which the router reaches after looking at every server's list.
        var servers = Enumerable.Range(0, FleetSize)
            .Select(i => new FleetServer($"server-{(char)('a' + i)}", $"model-{(char)('a' + i)}", FreePort.Next()))
            .ToList();
        var routed = servers[^1];
        var body = $$"""{"model":"{{routed.Model}}","messages":[{"role":"user","content":"hi"}],"max_tokens":1}""";

        var singlePort = FreePort.Next();
        var single = new DaemonConfig { Port = singlePort, ExtraSimArguments = ["--model", routed.Model] };
        var fleet = new DaemonConfig { Port = routed.Port, Servers = servers };
        await using var singleDaemon = DaemonUnderTest.Start(paths, single);
        await using var fleetDaemon = DaemonUnderTest.Start(paths, fleet);
        await WaitStableAsync(singleDaemon, 1);
        await WaitStableAsync(fleetDaemon, FleetSize);

        var wrk = new WrkRunner(paths.Wrk!, directory);
        var script = wrk.Script(body);
        var singlePid = singleDaemon.Pid;
        var fleetPid = fleetDaemon.Pid;
        LoadTarget[] targets =
        [
            new(SingleDoor, Completions(single.ProxyListen!), script, () => ProcFs.CpuTicks(singlePid)),
            new(FleetDoor, Completions(fleet.ProxyListen!), script, () => ProcFs.CpuTicks(fleetPid)),
            new(SingleDirect, Completions(Loopback.Url(singlePort)), script),
            new(FleetDirect, Completions(Loopback.Url(routed.Port)), script),
        ];
        var load = new AlternatingLoad(wrk, settings.HttpLoadDuration, settings.HttpLoadWarmUp, settings.HttpLoadRepeats);
        var runs = await load.RunAsync(targets, Connections);
        var text = $"`wrk -t T -c C -d {settings.HttpLoadDuration.TotalSeconds:0}s --latency` of `POST /v1/chat/completions` with `max_tokens` 1 naming " +
            $"`{routed.Model}`, the last of {FleetSize} servers' models (AtBoot, no memory budget); {Report.Format.Plural(settings.HttpLoadRepeats, "round")} per number of " +
            $"connections, the order of the four rotated each round, after a {settings.HttpLoadWarmUp.TotalSeconds:0.#} s warm-up run on each; " +
            "`Proxy:MaxConcurrentRequests` 4 (shipped); both daemons run throughout";
        return new RoutingResult(null, text, FleetSize, runs);
    }

    /// <summary>Waits for <paramref name="servers"/> "stable" lines: every server is up, and stays up.</summary>
    private static async Task WaitStableAsync(DaemonUnderTest daemon, int servers)
    {
        var from = 0;
        for (var i = 0; i < servers; i++)
            from = (await daemon.Log.WaitForAsync(daemon.IsUp, from, Within, $"counting server {i + 1} of {servers} up")).Index + 1;
    }

    private static Uri Completions(Uri root) => new(root, "/v1/chat/completions");
}
