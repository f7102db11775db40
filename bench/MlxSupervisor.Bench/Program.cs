using System.Diagnostics;
using MlxSupervisor.Bench;
using MlxSupervisor.Bench.Charts;
using MlxSupervisor.Bench.Machine;
using MlxSupervisor.Bench.Report;
using MlxSupervisor.Bench.Scenarios;
using MlxSupervisor.Bench.Subjects;

// mlx-supervisor-bench: measures the daemon against supervisord and writes docs/benchmarks.md and its charts.
// Not a test: it reports figures and fails only when a scenario cannot run at all.
const string FullCommand = "dotnet run -c Release --project bench/MlxSupervisor.Bench";
const string SmokeCommand = FullCommand + " -- --smoke";

if (args.Contains("--help"))
{
    Console.WriteLine($"""
        usage: {FullCommand} [-- [--smoke] [--only NAMES] [--out DIR] [--daemon-bin DIR] [--report-from FILE]]
          (no option)  the full run: about 20 minutes; writes docs/benchmarks.md and docs/*.png
          --smoke      1 repeat and tiny counts, about 4 minutes on a busy 2-core machine; writes to bench/out/smoke/ (git-ignored)
          --only NAMES measure only these scenarios (comma-separated: {string.Join(",", ScenarioSelection.Known)});
                       writes to bench/out/only/ (git-ignored), never over docs/
          --out DIR    write the report and the charts to DIR instead
          --daemon-bin DIR
                       measure another build: the folder holding its mlx-supervisor and mlx-sim-server
          --report-from FILE
                       measure nothing: draw the report and the charts again from a run's benchmarks.json
          --report-from FILE --remeasure-front-door
                       measure the front door again (e.g. after other builds swamped it) into that run's figures
        needs supervisord (Debian: apt-get install -y supervisor) for the crash-recovery and hang scenarios;
        nginx and wrk (apt-get install -y nginx wrk) for the nginx comparison, wrk for the routing cost (skipped without)
        """);
    return 0;
}

if (Option("--report-from") is { } from)
{
    // Draws the report and the charts again from a run's benchmarks.json, beside it unless --out says otherwise.
    var saved = await ResultsFile.ReadAsync(from);
    var target = Option("--out") is { } o ? Path.GetFullPath(o) : Path.GetDirectoryName(Path.GetFullPath(from))!;
    if (args.Contains("--remeasure-front-door"))
    {
        // Only when other people's builds swamped the front-door scenario: measures it again, and the report says so.
        var again = new FrontDoorScenario(BenchPaths.Discover(Option("--daemon-bin")), saved.Settings);
        var when = DateTimeOffset.UtcNow.ToString("HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var i in Enumerable.Range(0, saved.Load.Marks.Count).Where(i => saved.Load.Marks[i].When.EndsWith(" front door", StringComparison.Ordinal)))
            saved.Load.Marks[i] = saved.Load.Marks[i] with { When = saved.Load.Marks[i].When + " (first attempt, discarded)" };
        saved.Load.Mark($"before front door, measured again at {when}");
        var door = await again.RunAsync();
        saved.Load.Mark($"after front door, measured again at {when}");
        saved = saved with
        {
            FrontDoor = door,
            Notes = [.. saved.Notes ?? [], $"The front-door section was measured again at {when}, apart from the rest of the run: the first attempt ran while other builds pushed the load average above the core count."],
        };
    }
    await WriteReportAsync(saved, target);
    return 0;
}

var smoke = args.Contains("--smoke");
var (selection, selectionError) = ScenarioSelection.Parse(Option("--only"));
if (selection is null)
{
    Console.Error.WriteLine($"mlx-supervisor-bench: {selectionError}");
    return 2;
}
var settings = smoke ? BenchSettings.SmokeRun : BenchSettings.Full;
var paths = BenchPaths.Discover(Option("--daemon-bin"));
// Only a full run of every scenario writes docs/: a partial report must never stand in for the whole one.
var outDirectory = Option("--out") is { } outOption
    ? Path.GetFullPath(outOption)
    : smoke ? Path.Combine(paths.RepoRoot, "bench", "out", "smoke")
    : !selection.IsAll ? Path.Combine(paths.RepoRoot, "bench", "out", "only")
    : Path.Combine(paths.RepoRoot, "docs");

if (paths.Supervisord is null && (selection.Includes(ScenarioSelection.Recovery) || selection.Includes(ScenarioSelection.Hang)))
{
    Console.Error.WriteLine("mlx-supervisor-bench: supervisord is not installed; it is measured side by side with the daemon (Debian: apt-get install -y supervisor)");
    return 2;
}
if (!File.Exists(paths.Daemon) || !File.Exists(paths.SimServer))
{
    Console.Error.WriteLine($"mlx-supervisor-bench: {paths.Daemon} or {paths.SimServer} is missing; build with {FullCommand}");
    return 2;
}

var clock = Stopwatch.StartNew();
var machine = MachineInfo.Read(paths.RepoRoot, paths.Supervisord);
var load = new LoadLog();
Console.WriteLine($"mlx-supervisor-bench ({(smoke ? "smoke" : "full")} run{(selection.IsAll ? "" : $" of {string.Join(", ", selection.Names)}")}) on {machine.Cores} cores, {machine.CpuModel}; output to {outDirectory}");

async Task<T> Scenario<T>(string name, Func<Task<T>> run)
{
    Console.WriteLine($"== {name}");
    load.Mark($"before {name}");
    var started = clock.Elapsed;
    var result = await run();
    load.Mark($"after {name}");
    Console.WriteLine($"   ({(clock.Elapsed - started).TotalSeconds:0.0} s)");
    return result;
}

// A scenario not selected, or needing what the daemon measured does not ship (its settings key), is null: the report says so.
async Task<T?> Selected<T>(string key, string name, Func<Task<T>> run, string? needs = null) where T : class
{
    if (!selection.Includes(key))
        return null;
    if (needs is not null && !paths.Ships(needs))
    {
        Console.WriteLine($"== {name}: not in this build of the daemon (no {needs} in its appsettings.json); reported as pending");
        return null;
    }
    return await Scenario(name, run);
}

var recovery = new CrashRecoveryScenario(paths, settings);
var daemonRecovery = await Selected(ScenarioSelection.Recovery, "crash recovery, mlx-supervisor", recovery.RunDaemonAsync);
var supervisordRecovery = await Selected(ScenarioSelection.Recovery, "crash recovery, supervisord", recovery.RunSupervisordAsync);
var hang = await Selected(ScenarioSelection.Hang, "hang detection", new HangDetectionScenario(paths, settings).RunAsync);
var schedule = await Selected(ScenarioSelection.Schedule, "schedule fidelity", new ScheduleFidelityScenario(paths, settings).RunAsync);
var footprint = await Selected(ScenarioSelection.Footprint, "footprint", new FootprintScenario(paths, settings).RunAsync);
var flood = await Selected(ScenarioSelection.Flood, "log throughput", new LogThroughputScenario(paths, settings).RunAsync);
var frontDoor = await Selected(ScenarioSelection.FrontDoor, "front door", new FrontDoorScenario(paths, settings).RunAsync, needs: "Proxy");
var readiness = await Selected(ScenarioSelection.Readiness, "port open to Running", new ReadinessScenario(paths, settings).RunAsync, needs: "Readiness");
var zombies = await Selected(ScenarioSelection.Zombies, "zombie to replacement", new ZombieScenario(paths, settings).RunAsync, needs: "FatalOutput");
var integrity = await Selected(ScenarioSelection.StreamIntegrity, "streams under kill -9", new StreamIntegrityScenario(paths, settings).RunAsync, needs: "Proxy");
var nginxPeer = await Selected(ScenarioSelection.NginxPeer, "front door against nginx", new NginxPeerScenario(paths, settings).RunAsync, needs: "Proxy");
var chunks = await Selected(ScenarioSelection.ChunkLatency, "latency per SSE chunk", new ChunkLatencyScenario(paths, settings).RunAsync, needs: "Proxy");
var routing = await Selected(ScenarioSelection.Routing, "routing cost", new RoutingScenario(paths, settings).RunAsync);
var swap = await Selected(ScenarioSelection.Swap, "swap cost", new SwapScenario(paths, settings).RunAsync);

var results = new BenchResults(settings, Command(), machine, load, clock.Elapsed,
    daemonRecovery, supervisordRecovery, hang, schedule, footprint, flood, frontDoor,
    Readiness: readiness, Zombies: zombies, StreamIntegrity: integrity, Only: selection.IsAll ? null : selection.Names,
    NginxPeer: nginxPeer, ChunkLatency: chunks, Routing: routing, Swap: swap);

await WriteReportAsync(results, outDirectory);
Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:0} s");
return 0;

static async Task WriteReportAsync(BenchResults results, string directory)
{
    Directory.CreateDirectory(directory);
    await ResultsFile.WriteAsync(results, Path.Combine(directory, ResultsFile.FileName));
    if (results.Schedule is { } schedule)
        CrashLoopTimelineChart.Save(schedule, Path.Combine(directory, CrashLoopTimelineChart.FileName));
    if (results is { DaemonRecovery: { } daemon, SupervisordRecovery: { } supervisord })
        RecoveryTimesChart.Save(daemon, supervisord, Path.Combine(directory, RecoveryTimesChart.FileName));
    var report = Path.Combine(directory, "benchmarks.md");
    await File.WriteAllTextAsync(report, BenchmarkReport.Render(results));
    Console.WriteLine($"wrote {report}, {ResultsFile.FileName} and the charts");
}

string Command()
{
    var command = smoke ? SmokeCommand : FullCommand;
    return selection.IsAll ? command : $"{command}{(smoke ? "" : " --")} --only {string.Join(',', selection.Names)}";
}

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
