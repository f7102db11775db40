using System.Globalization;
using System.Text.RegularExpressions;
using MlxSupervisor.Bench.Processes;
using MlxSupervisor.Bench.Subjects;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>
/// The sim's <c>--flood-lines N</c> writes N lines of 80 characters as fast as it can and prints how long that
/// took. Run under the daemon and, in the same run, with stdout into a pipe the bench drains and discards; the
/// ratio of the two print times is how much the daemon slows the server. Then the flood lines in the daemon's
/// log file are counted.
/// </summary>
internal sealed partial class LogThroughputScenario(BenchPaths paths, BenchSettings settings)
{
    private const string FloodMarker = "stdout] flood ";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(120);

    public async Task<IReadOnlyList<FloodRun>> RunAsync()
    {
        var runs = new List<FloodRun>();
        // Alternated, so drift in the machine's load touches both readers alike.
        for (var i = 0; i < settings.FloodRepeats; i++)
        {
            runs.Add(await DrainedPipeAsync());
            runs.Add(await DaemonAsync());
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
        Console.WriteLine($"  drained pipe: {settings.FloodLines} lines printed in {ms:0} ms");
        return new FloodRun("drained pipe", settings.FloodLines, ms, null, null, null);
    }

    private async Task<FloodRun> DaemonAsync()
    {
        var config = new DaemonConfig
        {
            Port = FreePort.Next(),
            ExtraSimArguments = ["--flood-lines", settings.FloodLines.ToString(CultureInfo.InvariantCulture)],
            ResetAfter = TimeSpan.FromSeconds(1),
        };
        double ms;
        string logDirectory;
        var daemon = DaemonUnderTest.Start(paths, config, countOnly: line => line.Contains(FloodMarker, StringComparison.Ordinal));
        try
        {
            logDirectory = daemon.LogDirectory;
            var (line, _) = await daemon.Log.WaitForAsync(l => TookLine().IsMatch(l.Message), 0, Within, "with the sim's flood time");
            ms = double.Parse(TookLine().Match(line.Message).Groups[1].Value, CultureInfo.InvariantCulture);
            await WaitForConsoleToSettleAsync(daemon);
            await daemon.StopAsync();
            var (count, span, dropped) = ReadLogFile(logDirectory);
            Console.WriteLine($"  mlx-supervisor: {settings.FloodLines} lines printed in {ms:0} ms; {count} in the log file, written over {span:0} ms");
            return new FloodRun("mlx-supervisor", settings.FloodLines, ms, count, span, dropped);
        }
        finally
        {
            await daemon.DisposeAsync();
        }
    }

    /// <summary>Until every flood line has reached the console, or none has come for 5 s.</summary>
    private async Task WaitForConsoleToSettleAsync(DaemonUnderTest daemon)
    {
        var deadline = DateTime.UtcNow + Within;
        var last = -1L;
        var quietSince = DateTime.UtcNow;
        while (daemon.Log.Counted < settings.FloodLines && DateTime.UtcNow < deadline && DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(5))
        {
            if (daemon.Log.Counted != last)
            {
                last = daemon.Log.Counted;
                quietSince = DateTime.UtcNow;
            }
            await Task.Delay(50);
        }
    }

    private static (long Count, double? SpanMs, long? Dropped) ReadLogFile(string directory)
    {
        long count = 0;
        long? dropped = null;
        DateTime? first = null, last = null;
        foreach (var file in Directory.GetFiles(directory, "mlx-supervisor-*.log").Order())
        {
            foreach (var line in File.ReadLines(file))
            {
                if (line.Contains(FloodMarker, StringComparison.Ordinal))
                {
                    count++;
                    var at = DateTime.ParseExact(line[..23], "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
                    first ??= at;
                    last = at;
                }
                else if (DroppedLine().Match(line) is { Success: true } d)
                {
                    dropped = (dropped ?? 0) + long.Parse(d.Groups[1].Value, CultureInfo.InvariantCulture);
                }
            }
        }
        return (count, first is null ? null : (last!.Value - first.Value).TotalMilliseconds, dropped);
    }

    [GeneratedRegex(@"sim: flood of \d+ lines took (\d+) ms")]
    private static partial Regex TookLine();

    [GeneratedRegex(@"Dropped (\d+) lines of server")]
    private static partial Regex DroppedLine();
}
