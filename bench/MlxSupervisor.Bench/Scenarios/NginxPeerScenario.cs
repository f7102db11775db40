using MlxSupervisor.Bench.Load;
using MlxSupervisor.Bench.Processes;
using MlxSupervisor.Bench.Subjects;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>
/// Issue 14's peer: an nginx that answers <c>/v1/models</c> itself, supervised by the daemon as its server, and the same
/// wrk load sent, each in turn, through the daemon's front door, through a second nginx configured as a reverse proxy to
/// the same upstream, and straight to the upstream.
/// </summary>
internal sealed class NginxPeerScenario(BenchPaths paths, BenchSettings settings)
{
    public const string FrontDoor = "front door";
    public const string Nginx = "nginx (reverse proxy)";
    public const string Direct = "upstream directly";

    /// <summary>The connection counts issue 14 names; its targets are at 4 and 16, 1 is reported too.</summary>
    public static readonly int[] Connections = [1, 4, 16];

    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    public async Task<NginxPeerResult> RunAsync()
    {
        if (paths.MissingForHttpLoad(needsNginx: true) is { } missing)
        {
            Console.WriteLine($"  skipped: {missing}");
            return NginxPeerResult.Skip(missing);
        }
        // nginx's workers run as nobody when the master is root: they must reach the temp paths in the folder.
        return await RunFolder.WithAsync("mlxsup-bench-nginx-", directory => MeasureAsync(paths.Nginx!, directory), shared: true);
    }

    private async Task<NginxPeerResult> MeasureAsync(string nginx, string directory)
    {
        var upstreamPort = FreePort.Next();
        var proxyPort = FreePort.Next();
        var doorPort = FreePort.Next();
        var upstreamConfig = Path.Combine(directory, "upstream.conf");
        await File.WriteAllTextAsync(upstreamConfig, NginxConfig.Upstream(directory, "upstream", upstreamPort));
        Directory.CreateDirectory(Path.Combine(directory, "upstream-temp"));

        // nginx cannot generate: Readiness Health and no generation probes; the health check is its /health location.
        // MaxConcurrentRequests is the most connections wrk opens, so the front door's admission never queues and what
        // is measured is the proxy hop, as nginx has no such limit.
        var config = new DaemonConfig
        {
            Port = upstreamPort,
            ServerOverride = (nginx, NginxConfig.Arguments(directory, "upstream", upstreamConfig)),
            Readiness = "Health",
            GenerationEnabled = false,
            MaxConcurrentRequests = Connections.Max(),
            ProxyListen = Loopback.Url(doorPort),
        };
        await using var daemon = DaemonUnderTest.Start(paths, config);
        using (var poller = new HealthPoller())
            await CrashRecoveryScenario.WaitUpAsync(daemon, poller, SimArguments.HealthUrl(upstreamPort), 0);

        await using var proxy = NginxUnderTest.Start(nginx, directory, "proxy", NginxConfig.ReverseProxy(directory, "proxy", proxyPort, upstreamPort));
        await proxy.WaitAnswersAsync(new Uri(Loopback.Url(proxyPort), "/v1/models"), Within);
        using (var poller = new HealthPoller())
            await poller.WaitHealthyAsync(new Uri(Loopback.Url(doorPort), "/v1/models"), Within);

        var wrk = new WrkRunner(paths.Wrk!, directory);
        var script = wrk.Script(jsonBody: null);
        var daemonPid = daemon.Pid;
        var proxyPid = proxy.Pid;
        LoadTarget[] targets =
        [
            new(FrontDoor, new Uri(Loopback.Url(doorPort), "/v1/models"), script, () => ProcFs.CpuTicks(daemonPid)),
            new(Nginx, new Uri(Loopback.Url(proxyPort), "/v1/models"), script, () => ProcFs.TreeCpuTicks(proxyPid)),
            new(Direct, new Uri(Loopback.Url(upstreamPort), "/v1/models"), script),
        ];
        var load = new AlternatingLoad(wrk, settings.HttpLoadDuration, settings.HttpLoadWarmUp, settings.HttpLoadRepeats);
        var runs = await load.RunAsync(targets, Connections);

        var text = $"`wrk -t T -c C -d {settings.HttpLoadDuration.TotalSeconds:0}s --latency` (T = C up to the {Environment.ProcessorCount} cores) of `GET /v1/models`, " +
            $"{Report.Format.Plural(settings.HttpLoadRepeats, "round")} per number of connections, the order of the three rotated each round, after a {settings.HttpLoadWarmUp.TotalSeconds:0.#} s " +
            $"warm-up run on each at {Connections.Max()} connections; front door with `Proxy:MaxConcurrentRequests` {Connections.Max()}, `Health:Readiness` Health, " +
            "generation probes off, `Health:Interval` 1 s";
        return new NginxPeerResult(null, text, Version(nginx), runs);
    }

    /// <summary>"nginx version: nginx/1.22.1", which nginx -v prints on stderr.</summary>
    private static string Version(string nginx)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(nginx, "-v") { RedirectStandardError = true, RedirectStandardOutput = true });
        if (process is null)
            return "unknown";
        var text = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text.Trim().Replace("nginx version: ", "", StringComparison.Ordinal);
    }
}
