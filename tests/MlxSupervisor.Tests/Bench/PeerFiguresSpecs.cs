using FluentAssertions;
using MlxSupervisor.Bench;
using MlxSupervisor.Bench.Load;
using MlxSupervisor.Bench.Machine;
using MlxSupervisor.Bench.Report;
using MlxSupervisor.Bench.Scenarios;
using Xunit;

namespace MlxSupervisor.Tests.Bench;

/// <summary>The figures of issue 14's and 13's scenarios, from results written by hand, and how the report judges them.</summary>
public sealed class PeerFiguresSpecs
{
    [Fact]
    public void The_front_door_meets_the_nginx_targets_at_80_percent_of_its_rate_and_half_a_millisecond_of_p99()
    {
        var result = Peer(door: (8000, 1.5), nginx: (10000, 1.0));

        var c = result.Compare(4);

        c.Share.Should().BeApproximately(0.8, 1e-9);
        c.P99AboveMs.Should().BeApproximately(0.5, 1e-9);
        c.MeetsThroughput.Should().BeTrue();
        c.MeetsP99.Should().BeTrue();
        Peer(door: (7999, 1.51), nginx: (10000, 1.0)).Compare(4).Should().Match<PeerComparison>(x => !x.MeetsThroughput && !x.MeetsP99);
    }

    [Fact]
    public void The_medians_over_the_rounds_are_compared_not_one_round()
    {
        var runs = new[] { 5000.0, 9000, 9500 }.SelectMany((rate, round) => new[]
        {
            Run(NginxPeerScenario.FrontDoor, 16, round, rate, 1),
            Run(NginxPeerScenario.Nginx, 16, round, 10000, 1),
        }).ToList();

        new NginxPeerResult(null, "", "nginx/1.22.1", runs).Compare(16).Share.Should().BeApproximately(0.9, 1e-9);
    }

    [Fact]
    public void A_skipped_comparison_names_the_packages_to_install_in_its_section_and_the_headline()
    {
        var report = BenchmarkReport.Render(Results(NginxPeerResult.Skip("needs nginx and wrk, not installed here (Debian: apt-get install -y nginx wrk)"), [ScenarioSelection.NginxPeer]));

        report.Should().Contain("## 10. Front door against nginx")
            .And.Contain("**Skipped.** This scenario needs nginx and wrk, not installed here (Debian: apt-get install -y nginx wrk).")
            .And.Contain("skipped: needs nginx and wrk");
    }

    [Fact]
    public void A_measured_comparison_reports_each_number_of_connections_against_the_targets()
    {
        var report = BenchmarkReport.Render(Results(Peer(door: (8500, 1.2), nginx: (10000, 1.0)), [ScenarioSelection.NginxPeer]));

        report.Should().Contain("| 4 | 85 % | met | +0.20 ms | met |")
            .And.Contain("| 1 | 85 % | (reported only) |")
            .And.Contain("85 % / 85 % / 85 % of nginx's requests/s");
    }

    [Fact]
    public void What_the_front_door_adds_to_a_chunk_is_its_latency_less_the_direct_one_at_each_percentile()
    {
        var direct = Enumerable.Range(1, 100).Select(i => i / 100.0).ToList();
        var door = direct.Select(ms => ms + 0.25).ToList();
        var result = new ChunkLatencyResult("", [new ChunkRun(ChunkLatencyScenario.Direct, 16, 0, direct), new ChunkRun(ChunkLatencyScenario.Door, 16, 0, door)]);

        var added = result.Added(16);

        added.P50Ms.Should().BeApproximately(0.25, 1e-9);
        added.P99Ms.Should().BeApproximately(0.25, 1e-9);
        added.MeetsTarget.Should().BeTrue();
    }

    [Fact]
    public void The_routing_cost_is_the_fleet_door_hop_less_the_single_door_hop_in_mean_latency_and_daemon_cpu()
    {
        var result = new RoutingResult(null, "", 3,
        [
            Run(RoutingScenario.SingleDoor, 1, 0, 1000, 1, meanMs: 0.50, cpuMs: 100),
            Run(RoutingScenario.FleetDoor, 1, 0, 1000, 1, meanMs: 0.62, cpuMs: 130),
            Run(RoutingScenario.SingleDirect, 1, 0, 1000, 1, meanMs: 0.20),
            Run(RoutingScenario.FleetDirect, 1, 0, 1000, 1, meanMs: 0.22),
        ]);

        var cost = result.Cost(1);

        cost.SingleHopMs.Should().BeApproximately(0.30, 1e-9);
        cost.FleetHopMs.Should().BeApproximately(0.40, 1e-9);
        cost.CostMs.Should().BeApproximately(0.10, 1e-9);
        cost.MedianCostMs.Should().Be(0, "the hand-written runs all have a p50 of 0.1 ms");
        cost.CpuUs.Should().BeApproximately(30 * 1000.0 / 5000, 1e-9, "30 ms more CPU over the run's 5000 requests");
    }

    [Fact]
    public void A_swap_costs_its_request_to_answer_time_less_the_new_server_own_load_with_room_free()
    {
        var result = new SwapResult("",
            [new OnDemandStartSample(520, 1, 3, 500, 16), new OnDemandStartSample(640, 1, 3, 600, 36)],
            [new SwapSample(700, 5, 2, 80, 15, 560, 40), new SwapSample(800, 5, 2, 100, 25, 640, 30)]);

        result.OwnLoadMs.Should().Be(550);
        result.BeyondLoadMs.Should().Be(200, "the swaps' median, 750 ms, less 550 ms");
        result.StopOfAMs.Should().Be(110, "A's stop and the wait to B's spawn: 95 and 125 ms");
        result.FreeStartBeyondLoadMs.Should().Be(30);
    }

    private static NginxPeerResult Peer((double Rate, double P99Ms) door, (double Rate, double P99Ms) nginx) =>
        new(null, "settings", "nginx/1.22.1", [.. NginxPeerScenario.Connections.SelectMany(c => new[]
        {
            Run(NginxPeerScenario.FrontDoor, c, 0, door.Rate, door.P99Ms, cpuMs: 200),
            Run(NginxPeerScenario.Nginx, c, 0, nginx.Rate, nginx.P99Ms, cpuMs: 100),
            Run(NginxPeerScenario.Direct, c, 0, 40000, 0.3),
        })]);

    /// <summary>A run of 5 s at <paramref name="rate"/> requests/s.</summary>
    private static HttpLoadRun Run(string target, int connections, int round, double rate, double p99Ms, double meanMs = 0.2, double? cpuMs = null) =>
        new(target, connections, round, new WrkResult((long)(rate * 5), 5_000_000, meanMs * 1000, 100, 200, p99Ms * 1000, p99Ms * 2000, 0), cpuMs);

    private static BenchResults Results(NginxPeerResult peer, IReadOnlyList<string> only) =>
        new(BenchSettings.SmokeRun, "dotnet run", new MachineInfo("2", "cpu", "1 GiB", "os", ".NET", "4.2.5", "abc1234", DateTimeOffset.UnixEpoch), new LoadLog(), TimeSpan.FromMinutes(1),
            null, null, null, null, null, null, null, Only: only, NginxPeer: peer);
}
