using System.Globalization;
using System.Text.RegularExpressions;
using MlxSupervisor.Bench.Logs;
using MlxSupervisor.Bench.Processes;
using MlxSupervisor.Bench.Subjects;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>
/// The sim's <c>--flood-lines N</c> writes N lines of 80 characters as fast as it can and prints how long that
/// took. Run under the daemon and, in the same run, with stdout into a pipe the bench drains and discards; the
/// ratio of the two print times is how much the daemon slows the server. Then the flood lines in the server's own
/// log file (<c>server.log</c>, issue 14) are counted.
/// </summary>
/// <remarks>
/// The daemon runs twice: as installed (the launchd plist keeps only warnings on the console) and as shipped, every
/// event of its own on the console too. Since issue 14 the server's lines go to neither, only to server.log, so the
/// two should measure alike; both are kept to show it.
/// </remarks>
internal sealed partial class LogThroughputScenario(BenchPaths paths, BenchSettings settings)
{
    public const string DrainedPipe = "drained pipe";
    public const string AsInstalled = "mlx-supervisor, console warnings only (as installed)";
    public const string ConsoleToo = "mlx-supervisor, every line on the console too";

    private const string FloodMarker = "stdout] flood ";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(120);

    public async Task<IReadOnlyList<FloodRun>> RunAsync()
    {
        var runs = new List<FloodRun>();
        // Interleaved, so drift in the machine's load touches every reader alike.
        for (var i = 0; i < settings.FloodRepeats; i++)
        {
            runs.Add(await DrainedPipeAsync());
            runs.Add(await DaemonAsync(AsInstalled, new Dictionary<string, string> { ["Serilog__WriteTo__0__Args__restrictedToMinimumLevel"] = "Warning" }));
            runs.Add(await DaemonAsync(ConsoleToo, null));
        }
        return runs;
    }

    private async Task<FloodRun> DrainedPipeAsync()
    {
        var took = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var args = SimArguments.For(FreePort.Next(), "--flood-lines", settings.FloodLines.ToString(CultureInfo.InvariantCulture));
        await using var sim = ChildProcess.Start(paths.SimServer, args, null, onStdout: null, onStderr: (line, _) =>
        {
            if (TookLine().Match(line) is { Success: true } m)
                took.TrySetResult(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        });
        var ms = await took.Task.WaitAsync(Within);
        sim.Signal(Signals.SIGKILL);
        Console.WriteLine($"  {DrainedPipe}: {settings.FloodLines} lines printed in {ms:0} ms");
        return new FloodRun(DrainedPipe, settings.FloodLines, ms, null, null, null);
    }

    private async Task<FloodRun> DaemonAsync(string reader, IReadOnlyDictionary<string, string>? environment)
    {
        // The sim's stderr goes to a file of its own: its "flood took" line must not depend on the daemon, which may
        // drop lines when its buffer is full. The shell exec's the sim, so the daemon still supervises the sim's pid.
        var port = FreePort.Next();
        var errors = Path.Combine(Path.GetTempPath(), $"mlxsup-bench-flood-{Guid.NewGuid():N}.err");
        var sim = string.Join(' ', SimArguments.For(port, "--flood-lines", settings.FloodLines.ToString(CultureInfo.InvariantCulture)));
        var config = new DaemonConfig
        {
            Port = port,
            ServerOverride = ("/bin/sh", ["-c", $"exec '{paths.SimServer}' {sim} 2>'{errors}'"]),
            ResetAfter = TimeSpan.FromSeconds(1),
        };
        var file = new FileFigures();
        double? printMs = null;
        await using var daemon = DaemonUnderTest.Start(paths, config, line => line.Contains(FloodMarker, StringComparison.Ordinal), environment);
        using var tail = new LogFileTail(daemon.LogDirectory, "server.log");

        // Done once the sim has reported and the log file has stopped growing.
        var deadline = DateTime.UtcNow + Within;
        var quietSince = DateTime.UtcNow;
        while (printMs is null || DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(2))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The flood did not settle in {daemon.LogDirectory} within {Within.TotalSeconds:0} s");
            if (tail.Poll(file.Add) > 0)
                quietSince = DateTime.UtcNow;
            printMs ??= File.Exists(errors) && TookLine().Match(File.ReadAllText(errors)) is { Success: true } m
                ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
                : null;
            await Task.Delay(100);
        }
        File.Delete(errors);
        // The daemon notes in the file how many lines it dropped, at the latest once the server's pipes close: stop it, then read the rest.
        await daemon.StopAsync();
        tail.Poll(file.Add);
        Console.WriteLine($"  {reader}: {settings.FloodLines} lines printed in {printMs:0} ms; {file.Count} in the log file, written over {file.SpanMs:0} ms");
        return new FloodRun(reader, settings.FloodLines, printMs.Value, file.Count, file.SpanMs, file.Dropped);
    }

    /// <summary>What the server's log file says about one flood.</summary>
    private sealed class FileFigures
    {
        private DateTime? _first;
        private DateTime? _last;

        public long Count { get; private set; }

        public long? Dropped { get; private set; }

        public double? SpanMs => _first is { } f && _last is { } l ? (l - f).TotalMilliseconds : null;

        public void Add(string line)
        {
            if (line.Contains(FloodMarker, StringComparison.Ordinal))
            {
                Count++;
                var at = DateTime.ParseExact(line[..23], "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
                _first ??= at;
                _last = at;
            }
            else if (DroppedLine().Match(line) is { Success: true } dropped)
            {
                Dropped = (Dropped ?? 0) + long.Parse(dropped.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }
    }

    [GeneratedRegex(@"sim: flood of \d+ lines took (\d+) ms")]
    private static partial Regex TookLine();

    [GeneratedRegex(@"\] dropped (\d+) lines of output here")]
    private static partial Regex DroppedLine();
}
