using MlxSupervisor.Bench.Load;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>The front door against nginx as a reverse proxy, both in front of the same instant upstream (issue 14, item 1).</summary>
/// <param name="Skipped">Why it was not measured (a tool to install), or null.</param>
/// <param name="Nginx">nginx's version line.</param>
internal sealed record NginxPeerResult(string? Skipped, string Settings, string Nginx, IReadOnlyList<HttpLoadRun> Runs)
{
    /// <summary>Issue 14's targets, at 4 and 16 connections: at least this share of nginx's requests/s…</summary>
    public const double ThroughputTarget = 0.8;

    /// <summary>…and a p99 no more than this many ms above nginx's.</summary>
    public const double P99AboveTargetMs = 0.5;

    public static NginxPeerResult Skip(string why) => new(why, "", "", []);

    public LoadFigures Figures(string target, int connections) => LoadFigures.Of(Runs, target, connections);

    /// <summary>The front door against nginx at one number of connections, on the medians over the rounds.</summary>
    public PeerComparison Compare(int connections)
    {
        var door = Figures(NginxPeerScenario.FrontDoor, connections);
        var nginx = Figures(NginxPeerScenario.Nginx, connections);
        var share = door.RequestsPerSecond / nginx.RequestsPerSecond;
        var above = door.P99Ms - nginx.P99Ms;
        return new PeerComparison(connections, share, above, share >= ThroughputTarget, above <= P99AboveTargetMs);
    }
}

/// <param name="Share">The front door's requests/s over nginx's.</param>
/// <param name="P99AboveMs">The front door's p99 less nginx's.</param>
internal sealed record PeerComparison(int Connections, double Share, double P99AboveMs, bool MeetsThroughput, bool MeetsP99);

/// <summary>Figures of one target at one number of connections, over its rounds: the median of each.</summary>
internal sealed record LoadFigures(int Rounds, double RequestsPerSecond, double P50Ms, double P99Ms, double MeanMs, double? CpuUsPerRequest, long Errors)
{
    public static LoadFigures Of(IEnumerable<HttpLoadRun> runs, string target, int connections)
    {
        var mine = runs.Where(r => r.Target == target && r.Connections == connections).ToList();
        double Median(Func<HttpLoadRun, double> pick) => Stats.Percentiles.Median(mine.Select(pick).ToList());
        var cpu = mine.Select(r => r.CpuUsPerRequest).OfType<double>().ToList();
        return new LoadFigures(mine.Count, Median(r => r.Wrk.RequestsPerSecond), Median(r => r.Wrk.P50Us / 1000), Median(r => r.Wrk.P99Us / 1000),
            Median(r => r.Wrk.MeanUs / 1000), cpu.Count == 0 ? null : Stats.Percentiles.Median(cpu), mine.Sum(r => r.Wrk.Errors));
    }
}
