using MlxSupervisor.Bench.Load;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>The same small requests through the front door of one server and of a fleet that reads each body's model (issue 13).</summary>
/// <param name="Skipped">Why it was not measured (a tool to install), or null.</param>
internal sealed record RoutingResult(string? Skipped, string Settings, int FleetSize, IReadOnlyList<HttpLoadRun> Runs)
{
    public static RoutingResult Skip(string why) => new(why, "", 0, []);

    public LoadFigures Figures(string target, int connections) => LoadFigures.Of(Runs, target, connections);

    /// <summary>
    /// The routing cost at one number of connections: what each front door adds to the mean latency of its own server
    /// reached directly (means add up, percentiles do not), the fleet's less the single server's; and the daemon's CPU
    /// per request, the fleet's less the single server's.
    /// </summary>
    public RoutingCost Cost(int connections)
    {
        var singleHop = Figures(RoutingScenario.SingleDoor, connections).MeanMs - Figures(RoutingScenario.SingleDirect, connections).MeanMs;
        var fleetHop = Figures(RoutingScenario.FleetDoor, connections).MeanMs - Figures(RoutingScenario.FleetDirect, connections).MeanMs;
        var singleMedian = Figures(RoutingScenario.SingleDoor, connections).P50Ms - Figures(RoutingScenario.SingleDirect, connections).P50Ms;
        var fleetMedian = Figures(RoutingScenario.FleetDoor, connections).P50Ms - Figures(RoutingScenario.FleetDirect, connections).P50Ms;
        var cpu = Figures(RoutingScenario.FleetDoor, connections).CpuUsPerRequest - Figures(RoutingScenario.SingleDoor, connections).CpuUsPerRequest;
        return new RoutingCost(connections, singleHop, fleetHop, fleetHop - singleHop, fleetMedian - singleMedian, cpu);
    }
}

/// <param name="SingleHopMs">The single server's front door: its mean latency less its server's, reached directly.</param>
/// <param name="FleetHopMs">The fleet's front door, likewise.</param>
/// <param name="CostMs">The fleet's hop less the single server's: what reading the body and routing by its model add to a request.</param>
/// <param name="MedianCostMs">The same from the p50s: no figure of a request, but one that a few stalls of a busy machine do not move.</param>
/// <param name="CpuUs">The fleet daemon's CPU per request less the single server's, in µs.</param>
internal sealed record RoutingCost(int Connections, double SingleHopMs, double FleetHopMs, double CostMs, double MedianCostMs, double? CpuUs);
