using System.Text;
using MlxSupervisor.Bench.Scenarios;
using MlxSupervisor.Bench.Stats;
using static MlxSupervisor.Bench.Report.Format;

namespace MlxSupervisor.Bench.Report;

/// <summary>The sections of issue 13's benchmark figures: the routing cost per request, and the cost of a swap.</summary>
internal static partial class BenchmarkReport
{
    private const string Unfleeted = "fleet (issue 13: `Supervisor:Servers`)";

    private static void Routing(StringBuilder md, RoutingResult? result)
    {
        md.AppendLine("## 12. Routing cost per request").AppendLine();
        if (NotMeasured(md, result, result?.Skipped, Unfleeted) is not { } r)
            return;
        md.AppendLine($"""
            With `Supervisor:Servers`, the front door reads the `model` of each completion's JSON body and sends the request to
            the server that lists it; with a single server it reads nothing and forwards. Two daemons run side by side, one with
            a single server and one with a fleet of {Invariant(r.FleetSize)}, and the same wrk load of small chat completions goes through
            each front door and straight to the server it reaches. Settings: {r.Settings}.

            The routing cost per request is the fleet's hop less the single server's: each front door's mean latency less that of
            its own server reached directly (means add up, percentiles do not), and the daemon's CPU per request, the fleet's
            less the single server's. The mean is the figure of a request, but a few stalls of a busy machine move it; the same
            difference taken from the p50s is given beside it, and the CPU per request is the steadiest of the three. The fleet
            daemon also probes three servers instead of one, a few requests a second against thousands, which its CPU per request
            includes.

            """);
        md.AppendLine(LoadTable(RoutingScenario.Connections,
            [RoutingScenario.SingleDoor, RoutingScenario.FleetDoor, RoutingScenario.SingleDirect, RoutingScenario.FleetDirect], r.Figures, "Daemon CPU per request"));
        var costs = new MarkdownTable("Connections", "Single server's hop (mean)", "Fleet's hop (mean)", "Routing cost per request (mean)",
            "… from the p50s", "Routing cost in daemon CPU per request");
        foreach (var c in RoutingScenario.Connections.Select(r.Cost))
            costs.Row(Invariant(c.Connections), SignedPrecise(c.SingleHopMs), SignedPrecise(c.FleetHopMs), SignedPrecise(c.CostMs), SignedPrecise(c.MedianCostMs),
                c.CpuUs is { } cpu ? $"{cpu:+0;−0;0} µs" : "–");
        md.AppendLine(costs.ToString());
    }

    private static string RoutingHeadline(RoutingResult? r)
    {
        if (r is null)
            return "pending: not measured in this run";
        if (r.Skipped is { } why)
            return $"skipped: {why}";
        var c = r.Cost(RoutingScenario.Connections[0]);
        return $"{SignedPrecise(c.CostMs)} mean latency ({SignedPrecise(c.MedianCostMs)} from the p50s) / {(c.CpuUs is { } cpu ? $"{cpu:+0;−0;0} µs" : "–")} daemon CPU per request (1 connection, fleet of {Invariant(r.FleetSize)} against one server)";
    }

    private static void Swap(StringBuilder md, SwapResult? result)
    {
        md.AppendLine("## 13. Cost of a swap").AppendLine();
        if (NotMeasured(md, result, null, Unfleeted) is not { } s)
            return;
        md.AppendLine($"""
            Two OnDemand servers, A and B, and a `Fleet:MemoryBudget` that holds one of them. Each round, a request for B while
            nothing runs (room free: B's own start), then, once B has gone idle and been stopped, a request for A and, once A
            has answered, one for B: the daemon must stop A before B may spawn. The request and its answer are timed by the
            bench; the steps between, by the daemon's log lines: its decision (`Starting server b`, or `Stopping idle server a
            to make room for b`), its `SIGTERM sent to` A and A's `stopped after SIGTERM`, B's `Started pid=` (the spawn) and `healthy after` (Running).
            Settings: {s.Settings}.

            Issue 13's figure is **the cost of a swap beyond the new server's own load time**: the swap's request-to-answer time
            less B's own spawn-to-Running when it starts with room free (both medians).

            """);
        md.AppendLine(Steps("B with room free, ms", s.FreeStarts,
            ("Request → decision to start B", x => x.RequestToDecisionMs),
            ("Decision → B spawned", x => x.DecisionToSpawnMs),
            ("B spawned → Running (its own load)", x => x.SpawnToRunningMs),
            ("Running → answer read", x => x.RunningToAnswerMs),
            ("**Request → answer**", x => x.TotalMs)));
        md.AppendLine(Steps("B after A (a swap), ms", s.Swaps,
            ("Request → decision to stop A", x => x.RequestToEvictMs),
            ("A's stop: decision → A gone", x => x.StopMs),
            ("… of which decision → SIGTERM sent to A", x => x.EvictToSigtermMs),
            ("A gone → B spawned", x => x.StoppedToSpawnMs),
            ("B spawned → Running", x => x.SpawnToRunningMs),
            ("Running → answer read", x => x.RunningToAnswerMs),
            ("**Request → answer**", x => x.TotalMs)));

        md.AppendLine($"""
            In this run ({Plural(s.Swaps.Count, "swap")}, {Plural(s.FreeStarts.Count, "start")} with room free): a swap took {Ms(Percentiles.Median([.. s.Swaps.Select(x => x.TotalMs)]))}
            from request to answer, against B's own load of {Ms(s.OwnLoadMs)}: **{Ms(s.BeyondLoadMs)} beyond it**, of which the stop of A
            (from the decision to stop it to B's spawn) was {Ms(s.StopOfAMs)}. Taken swap by swap, each less its own B's spawn to
            Running, it was {Ms(s.BeyondLoadInSwapMs)} (B's load varies from start to start by more than the swap's own steps on a busy
            machine, so both are given). A start with room free took {Ms(s.FreeStartBeyondLoadMs)}
            beyond B's load (the request's routing, the decision, the spawn, and the answer once Running). Log timestamps have 1 ms
            resolution; the request and answer are the bench's wall clock, the steps the daemon's, both the system clock.

            """);
    }

    /// <summary>A table of steps, one row each: the median and the worst over the samples.</summary>
    private static string Steps<T>(string title, IReadOnlyList<T> samples, params (string Label, Func<T, double> Pick)[] steps)
    {
        var table = new MarkdownTable(title, "Median", "Worst");
        foreach (var (label, pick) in steps)
        {
            var x = Summary.Of(samples.Select(pick));
            table.Row(label, Ms(x.Median), Ms(x.Max));
        }
        return table.ToString();
    }

    private static string SwapHeadline(SwapResult? s) => s is null
        ? "pending: not measured in this run"
        : $"{Ms(s.BeyondLoadMs)} beyond the new server's own load ({Ms(s.OwnLoadMs)}), of which the old server's stop {Ms(s.StopOfAMs)}";
}
