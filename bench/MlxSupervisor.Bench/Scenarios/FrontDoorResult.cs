namespace MlxSupervisor.Bench.Scenarios;

/// <summary>One kind of request, sent to one target at one concurrency: every latency, and the wall time they took.</summary>
/// <param name="Target">"direct" (the server's own port) or "front door".</param>
internal sealed record LoadRun(string Target, string Kind, int Concurrency, IReadOnlyList<double> LatenciesMs, double Seconds)
{
    public double RequestsPerSecond => LatenciesMs.Count / Seconds;
}

internal sealed record FrontDoorResult(string Settings, IReadOnlyList<LoadRun> Runs, FootprintResult UnderLoad, double UnderLoadRequestsPerSecond)
{
    /// <summary>All runs of one target, kind and concurrency, pooled.</summary>
    public LoadRun Pooled(string target, string kind, int concurrency)
    {
        var runs = Runs.Where(r => r.Target == target && r.Kind == kind && r.Concurrency == concurrency).ToList();
        return new LoadRun(target, kind, concurrency, runs.SelectMany(r => r.LatenciesMs).ToList(), runs.Sum(r => r.Seconds));
    }
}
