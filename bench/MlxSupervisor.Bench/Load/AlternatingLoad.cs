using MlxSupervisor.Bench.Processes;

namespace MlxSupervisor.Bench.Load;

/// <summary>
/// The same wrk load against each target in turn: one unmeasured warm-up run each, then, at each number of
/// connections, rounds in which every target runs once, the order rotated from round to round so that drift in the
/// machine's load touches them all alike.
/// </summary>
internal sealed class AlternatingLoad(WrkRunner wrk, TimeSpan duration, TimeSpan warmUp, int repeats)
{
    /// <summary>The targets in round <paramref name="round"/>: rotated by one place per round.</summary>
    public static IReadOnlyList<T> Order<T>(IReadOnlyList<T> targets, int round) =>
        targets.Count == 0 ? [] : [.. targets.Skip(round % targets.Count), .. targets.Take(round % targets.Count)];

    public async Task<IReadOnlyList<HttpLoadRun>> RunAsync(IReadOnlyList<LoadTarget> targets, IReadOnlyList<int> connections)
    {
        // Warm-up, not kept: connection pools, nginx's workers, and the daemon's code compiled on first use.
        foreach (var target in targets)
            await wrk.RunAsync(target.Script, target.Url, connections.Max(), warmUp);

        var runs = new List<HttpLoadRun>();
        foreach (var count in connections)
        {
            for (var round = 0; round < repeats; round++)
            {
                foreach (var target in Order(targets, round))
                {
                    var before = target.CpuTicks?.Invoke();
                    var result = await wrk.RunAsync(target.Script, target.Url, count, duration);
                    var after = target.CpuTicks?.Invoke();
                    double? cpuMs = before is { } b && after is { } a ? (a - b) * 1000.0 / NativeMethods.ClockTicksPerSecond : null;
                    runs.Add(new HttpLoadRun(target.Name, count, round, result, cpuMs));
                    Console.WriteLine($"  {target.Name}, {count} connection(s), round {round + 1}/{repeats}: {result.RequestsPerSecond:0} req/s, " +
                        $"p50 {result.P50Us / 1000:0.000} ms, p99 {result.P99Us / 1000:0.000} ms" +
                        (runs[^1].CpuUsPerRequest is { } cpu ? $", {cpu:0} µs CPU/request" : "") +
                        (result.Errors > 0 ? $", {result.Errors} errors" : ""));
                }
            }
        }
        return runs;
    }
}
