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
        usage: {FullCommand} [-- [--smoke] [--out DIR] [--daemon-bin DIR] [--report-from FILE]]
          (no option)  the full run: about 10 minutes; writes docs/benchmarks.md and docs/*.png
          --smoke      1 repeat and tiny counts, under a minute; writes to bench/out/smoke/ (git-ignored)
          --out DIR    write the report and the charts to DIR instead
          --daemon-bin DIR
                       measure another build: the folder holding its mlx-supervisor and mlx-sim-server
          --report-from FILE
                       measure nothing: draw the report and the charts again from a run's benchmarks.json
          --report-from FILE --remeasure-front-door
                       measure the front door again (e.g. after other builds swamped it) into that run's figures
          --only log-throughput
                       run that scenario alone, at full counts, and print its figures (writes no report)
        needs supervisord (Debian: apt-get install -y supervisor)
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
var settings = smoke ? BenchSettings.SmokeRun : BenchSettings.Full;
var paths = BenchPaths.Discover(Option("--daemon-bin"));
var outDirectory = Option("--out") is { } outOption
    ? Path.GetFullPath(outOption)
    : smoke ? Path.Combine(paths.RepoRoot, "bench", "out", "smoke") : Path.Combine(paths.RepoRoot, "docs");

if (Option("--only") == "log-throughput")
{
    // One scenario alone, e.g. to compare two builds of ServerOutput, without the ten minutes of the rest.
    Console.WriteLine($"log throughput alone, {settings.FloodRepeats} repeats of {settings.FloodLines} lines; load average {File.ReadAllText("/proc/loadavg").Trim()}");
    var alone = await new LogThroughputScenario(paths, settings).RunAsync();
    Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
    foreach (var reader in new[] { LogThroughputScenario.AsInstalled, LogThroughputScenario.ConsoleToo })
    {
        var f = BenchmarkReport.FloodFigures.Of(alone, reader);
        Console.WriteLine($"{reader}: median {f.DaemonMs:0} ms against the drained pipe's {f.DirectMs:0} ms: {f.Ratio:0.00}x; {f.Lost} of {(long)f.Lines * f.Runs} lines lost");
    }
    return 0;
}

if (paths.Supervisord is null)
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
Console.WriteLine($"mlx-supervisor-bench ({(smoke ? "smoke" : "full")} run) on {machine.Cores} cores, {machine.CpuModel}; output to {outDirectory}");

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

var recovery = new CrashRecoveryScenario(paths, settings);
var daemonRecovery = await Scenario("crash recovery, mlx-supervisor", recovery.RunDaemonAsync);
var supervisordRecovery = await Scenario("crash recovery, supervisord", recovery.RunSupervisordAsync);
var hang = await Scenario("hang detection", new HangDetectionScenario(paths, settings).RunAsync);
var schedule = await Scenario("schedule fidelity", new ScheduleFidelityScenario(paths, settings).RunAsync);
var footprint = await Scenario("footprint", new FootprintScenario(paths, settings).RunAsync);
var flood = await Scenario("log throughput", new LogThroughputScenario(paths, settings).RunAsync);
var frontDoor = FrontDoorScenario.Available(paths)
    ? await Scenario("front door", new FrontDoorScenario(paths, settings).RunAsync)
    : null;
if (frontDoor is null)
    Console.WriteLine("== front door: not in this build of the daemon (no Proxy section in its appsettings.json); reported as pending");

var results = new BenchResults(settings, smoke ? SmokeCommand : FullCommand, machine, load, clock.Elapsed,
    daemonRecovery, supervisordRecovery, hang, schedule, footprint, flood, frontDoor);

await WriteReportAsync(results, outDirectory);
Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:0} s");
return 0;

static async Task WriteReportAsync(BenchResults results, string directory)
{
    Directory.CreateDirectory(directory);
    await ResultsFile.WriteAsync(results, Path.Combine(directory, ResultsFile.FileName));
    CrashLoopTimelineChart.Save(results.Schedule, Path.Combine(directory, CrashLoopTimelineChart.FileName));
    RecoveryTimesChart.Save(results.DaemonRecovery, results.SupervisordRecovery, Path.Combine(directory, RecoveryTimesChart.FileName));
    var report = Path.Combine(directory, "benchmarks.md");
    await File.WriteAllTextAsync(report, BenchmarkReport.Render(results));
    Console.WriteLine($"wrote {report}, {ResultsFile.FileName} and the charts");
}

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
