using System.Globalization;
using System.Text;
using MlxSupervisor.Bench.Scenarios;
using MlxSupervisor.Bench.Subjects;
using static MlxSupervisor.Bench.Report.Format;

namespace MlxSupervisor.Bench.Report;

/// <summary>The sections of issue 14, item 1: the front door against nginx, and what it adds to each streamed chunk.</summary>
internal static partial class BenchmarkReport
{
    private static void NginxPeer(StringBuilder md, BenchResults r)
    {
        md.AppendLine("## 10. Front door against nginx").AppendLine();
        if (NotMeasured(md, r.NginxPeer, r.NginxPeer?.Skipped, "front door (issue 4: no `Proxy` section in its appsettings.json)") is not { } p)
            return;
        md.AppendLine($"""
            The upstream is an nginx that answers `GET /v1/models` itself (a fixed {Invariant(NginxConfig.ModelsJson.Length)}-byte JSON from its config,
            `return 200`), run by the daemon as its server: `Server:Command` nginx in the foreground (`-g 'daemon off;'`) on a
            config generated into a temp folder, which also holds its pid file and error log; its `/health` location answers the
            health check. The same wrk load goes, in turn, through the daemon's front door, through a second nginx ({p.Nginx})
            set up as a reverse proxy to the same upstream (`upstream {"{"} keepalive 32; {"}"}`, `proxy_http_version 1.1`,
            `proxy_set_header Connection ""`), and straight to the upstream. Both nginx run `worker_processes auto`, as Debian
            ships it, with no access log. Settings: {p.Settings}.

            Each figure is the median over the rounds of one run's figure: requests/s, and wrk's p50 and p99 (from writing a
            request to reading its whole response, each connection waiting for its answer before it sends again). **CPU per
            request** is the proxy's own CPU time during the run (the daemon's process; nginx's master and workers), divided
            by the requests it carried: it depends less than the rates on what else the machine runs. It also counts the time a
            process burns waiting actively (the .NET thread pool spins a little before its threads sleep), so at 1 connection,
            where the front door idles between requests, it is an upper bound on the work per request. wrk, both proxies and
            the upstream share the machine's {r.Machine.Cores} cores, so a proxy that takes more CPU also takes it from wrk and the upstream.

            Targets (issue 14), at 4 and 16 connections: the front door's requests/s at least {Number(NginxPeerResult.ThroughputTarget * 100, "0")} % of
            nginx's, and its p99 no more than {Precise(NginxPeerResult.P99AboveTargetMs)} above nginx's. 1 connection is reported too.

            """);
        md.AppendLine(LoadTable(NginxPeerScenario.Connections, [NginxPeerScenario.FrontDoor, NginxPeerScenario.Nginx, NginxPeerScenario.Direct], p.Figures, "CPU per request"));

        var against = new MarkdownTable("Connections", "Front door ÷ nginx, requests/s", $"target ≥ {Number(NginxPeerResult.ThroughputTarget * 100, "0")} %",
            "Front door p99 − nginx p99", $"target ≤ {Precise(NginxPeerResult.P99AboveTargetMs)}", "Front door CPU per request ÷ nginx's");
        foreach (var connections in NginxPeerScenario.Connections)
        {
            var c = p.Compare(connections);
            var targeted = connections > 1;
            var cpu = p.Figures(NginxPeerScenario.FrontDoor, connections).CpuUsPerRequest / p.Figures(NginxPeerScenario.Nginx, connections).CpuUsPerRequest;
            against.Row(Invariant(connections), $"{Number(c.Share * 100, "0")} %", targeted ? Met(c.MeetsThroughput) : "(reported only)",
                SignedPrecise(c.P99AboveMs), targeted ? Met(c.MeetsP99) : "(reported only)", cpu is { } x ? Ratio(x) : "–");
        }
        md.AppendLine(against.ToString());
        var errors = p.Runs.Sum(x => x.Wrk.Errors);
        md.AppendLine(errors == 0
            ? "Every response in every run was a 2xx, with no connect, read, write or timeout error."
            : $"**{Count(errors)} errors** (non-2xx responses, or connect, read, write or timeout errors) across the runs: see the table.").AppendLine();
    }

    /// <returns>The result to report, or null once the section has said it is pending (null) or was skipped (why).</returns>
    private static T? NotMeasured<T>(StringBuilder md, T? result, string? skipped, string pendingWhat) where T : class
    {
        if (result is null)
            Pending(md, pendingWhat);
        else if (skipped is not null)
            md.AppendLine($"**Skipped.** This scenario {skipped}.").AppendLine();
        return skipped is null ? result : null;
    }

    /// <summary>One row per number of connections and target: the medians over the rounds, and the wrk errors.</summary>
    private static string LoadTable(IEnumerable<int> connections, string[] targets, Func<string, int, LoadFigures> figures, string cpuColumn)
    {
        var table = new MarkdownTable("Connections", "Through", "Requests/s", "Mean", "p50", "p99", cpuColumn, "Errors");
        foreach (var count in connections)
        {
            foreach (var target in targets)
            {
                var f = figures(target, count);
                table.Row(Invariant(count), target, Number(f.RequestsPerSecond, "0"), Precise(f.MeanMs), Precise(f.P50Ms), Precise(f.P99Ms),
                    f.CpuUsPerRequest is { } cpu ? $"{Number(cpu, "0")} µs" : "–", Count(f.Errors));
            }
        }
        return table.ToString();
    }

    private static string NginxPeerHeadline(NginxPeerResult? p)
    {
        if (p is null)
            return "pending: not measured in this run";
        if (p.Skipped is { } why)
            return $"skipped: {why}";
        var all = NginxPeerScenario.Connections.Select(p.Compare).ToList();
        return string.Join(" / ", all.Select(c => $"{Number(c.Share * 100, "0")} %")) + " of nginx's requests/s; p99 " +
            string.Join(" / ", all.Select(c => SignedPrecise(c.P99AboveMs))) +
            $" (targets at 4 and 16: ≥ {Number(NginxPeerResult.ThroughputTarget * 100, "0")} %, ≤ {Precise(NginxPeerResult.P99AboveTargetMs)}: " +
            $"{Met(all.Where(c => c.Connections > 1).All(c => c.MeetsThroughput && c.MeetsP99))})";
    }

    private static void ChunkLatency(StringBuilder md, ChunkLatencyResult? c)
    {
        md.AppendLine("## 11. Latency per SSE chunk").AppendLine();
        if (c is null)
        {
            Pending(md, "front door (issue 4: no `Proxy` section in its appsettings.json)");
            return;
        }
        md.AppendLine($"""
            How long each streamed chunk takes from the server's write to the client's read, through the front door and straight
            to the server's port. The sim stamps each chunk as it writes it (`--stamp-chunks`: a `sim_written_at` field holding
            `TimeProvider.GetTimestamp()`, taken as the chunk is serialized, in the call that writes and flushes it); the bench
            reads each stream as its bytes arrive and takes `Stopwatch.GetTimestamp()` as each read returns, a chunk split
            across reads counting from the read that brought its end. On Linux both are CLOCK_MONOTONIC in nanoseconds, one
            clock for every process on the machine, so one can be subtracted from the other. Settings: {c.Settings}.

            The direct path is the floor: loopback, and the bench's own wake-up on a machine this busy. What the front door adds
            is its figure less the direct one, at each percentile (the two paths carry different chunks, so percentiles, not
            pairs, are compared). Target (issue 14): under 16 concurrent streams, under {Ms(ChunkLatencyResult.AddedP99TargetMs)} added at p99.

            """);
        var table = new MarkdownTable("Streams", "Chunks (direct / front door)", "Direct p50", "p99", "max", "Front door p50", "p99", "max",
            "Added p50", "Added p99", "Added max");
        foreach (var streams in ChunkLatencyScenario.Streams)
        {
            var a = c.Added(streams);
            table.Row(Invariant(streams), $"{Invariant(a.Direct.Count)} / {Invariant(a.Door.Count)}", Precise(a.Direct.Median), Precise(a.Direct.P99),
                Precise(a.Direct.Max), Precise(a.Door.Median), Precise(a.Door.P99), Precise(a.Door.Max),
                SignedPrecise(a.P50Ms), SignedPrecise(a.P99Ms), SignedPrecise(a.MaxMs));
        }
        md.AppendLine(table.ToString());
        var target = c.Added(ChunkLatencyScenario.Streams.Max());
        var lowest = c.Runs.SelectMany(x => x.LatenciesMs).DefaultIfEmpty(double.NaN).Min();
        md.AppendLine($"""
            Against the target in this run: at {Invariant(target.Streams)} streams the front door added {SignedPrecise(target.P99Ms)} at p99
            ({Met(target.MeetsTarget)}); its whole write-to-read p99, the floor included, was {Precise(target.Door.P99)}. The
            smallest latency of any chunk was {Precise(lowest)}{(lowest < -0.05
                ? ": below zero, so the two clocks are not one clock on this machine, and these figures mean nothing."
                : ", never below zero, as one clock must give.")}

            """);
    }

    private static string ChunkLatencyHeadline(ChunkLatencyResult? c)
    {
        if (c is null)
            return "pending: not measured in this run";
        var all = ChunkLatencyScenario.Streams.Select(c.Added).ToList();
        return string.Join(" / ", all.Select(a => SignedPrecise(a.P99Ms))) +
            $" (target at {Invariant(all[^1].Streams)}: < {Ms(ChunkLatencyResult.AddedP99TargetMs)}: {Met(all[^1].MeetsTarget)})";
    }
}
