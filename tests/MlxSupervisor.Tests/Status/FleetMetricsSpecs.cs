using FluentAssertions;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Process;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Status;

/// <summary>
/// GET /metrics over a fleet of real simulated servers, read by the strict parser: every series carries its server
/// (issue 13, "Every metric carries a server label"), which also proves the exporter keeps the front door's
/// same-named instruments of several servers, on their one Meter, as series of their own rather than one.
/// </summary>
public sealed class FleetMetricsSpecs
{
    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Each_servers_series_are_told_apart_by_the_server_label()
    {
        await using var f = new FleetHarness(["a", "b"]);
        await f.StartAsync();
        await f["a"].WaitFor(x => x.State == SupervisorState.Running);
        await f["b"].WaitFor(x => x.State == SupervisorState.Running && x.Health.LastOkAt is not null);
        await f["a"].WaitFor(x => x.Health.LastOkAt is not null);

        var metrics = await f.MetricsAsync();

        foreach (var server in (string[])["a", "b"])
        {
            metrics.Value("mlx_supervisor_state", ("state", "Running"), ("server", server)).Should().Be(1);
            metrics.Value("mlx_supervisor_circuit_state", ("state", "Closed"), ("server", server)).Should().Be(1);
            metrics.Value("mlx_supervisor_server_resident_memory_bytes", ("server", server)).Should().BeGreaterThan(1 << 20);
            metrics.Value("mlx_supervisor_server_uptime_seconds", ("server", server)).Should().BeGreaterThanOrEqualTo(0);
            metrics.Value("mlx_supervisor_consecutive_failures", ("server", server)).Should().Be(0);
            metrics.Value("mlx_supervisor_restarts_total", ("reason", "exited"), ("server", server)).Should().Be(0);
            metrics.Value("mlx_supervisor_health_probe_duration_seconds_count", ("result", "ok"), ("server", server)).Should().BeGreaterThanOrEqualTo(1);
        }
        metrics.Sum("mlx_supervisor_state").Should().Be(2, "one current state per server");
        var perServer = metrics.Families.Values.Where(f => f.Name.StartsWith("mlx_supervisor_", StringComparison.Ordinal)
            && !f.Name.StartsWith("mlx_supervisor_memory_", StringComparison.Ordinal)).SelectMany(f => f.Samples).ToList();
        perServer.Should().NotBeEmpty().And.OnlyContain(s => s.Labels.ContainsKey("server"), "every supervisor series names its server");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_front_door_figures_of_several_servers_on_one_Meter_are_exported_as_a_series_per_server()
    {
        await using var f = new FleetHarness(["a", "b"]);
        await f.StartAsync();
        f.Activity("a").ForwardStarted();
        f.Activity("a").ForwardStarted();
        f.Activity("b").ForwardStarted();
        f.Activity("a").Rejected(Rejection.QueueFull);
        f.Activity("b").Rejected(Rejection.QueueFull);
        f.Activity("b").Rejected(Rejection.QueueFull);
        f.Activity("b").Admitted(TimeSpan.FromSeconds(0.2));

        var metrics = await f.MetricsAsync();

        ReferenceEquals(f.Activity("a").Meter, f.Activity("b").Meter).Should().BeTrue("the daemon's meter factory hands every server the one Meter");
        metrics.Value("mlxsup_frontdoor_in_flight", ("server", "a")).Should().Be(2);
        metrics.Value("mlxsup_frontdoor_in_flight", ("server", "b")).Should().Be(1);
        metrics.Value("mlxsup_frontdoor_queued", ("server", "a")).Should().Be(0);
        metrics.Value("mlxsup_frontdoor_rejected_total", ("reason", "queue_full"), ("server", "a")).Should().Be(1);
        metrics.Value("mlxsup_frontdoor_rejected_total", ("reason", "queue_full"), ("server", "b")).Should().Be(2);
        metrics.Value("mlxsup_frontdoor_queue_wait_seconds_count", ("server", "b")).Should().Be(1);
        metrics.AllSamples().Where(s => s.Name.StartsWith("mlxsup_frontdoor_", StringComparison.Ordinal))
            .Should().OnlyContain(s => s.Labels.ContainsKey("server"));
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_a_reload_adds_gets_series_of_its_own_restarts_included()
    {
        await using var f = new FleetHarness(["a", "b"]);
        await f.StartAsync();
        await f["a"].WaitFor(x => x.State == SupervisorState.Running);

        var c = f.Add("c");
        var first = (await c.WaitFor(x => x.State == SupervisorState.Running)).Pid!.Value;
        NativeMethods.Kill(first, Signals.SIGKILL);
        await c.WaitFor(x => x.State == SupervisorState.Running && x.Pid is { } pid && pid != first);
        var metrics = await f.MetricsAsync();

        metrics.Value("mlx_supervisor_state", ("state", "Running"), ("server", "c")).Should().Be(1);
        metrics.Value("mlx_supervisor_restarts_total", ("reason", "exited"), ("server", "c")).Should().Be(1);
        metrics.Value("mlx_supervisor_restarts_total", ("reason", "exited"), ("server", "a")).Should().Be(0);
        metrics.Value("mlxsup_frontdoor_in_flight", ("server", "c")).Should().Be(0, "its front door figures join the others' Meter");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_ledger_gauges_give_the_budget_and_what_the_running_servers_hold()
    {
        await using var f = new FleetHarness(["a", "b"], fleet: o => o.MemoryBudget = "8GB");
        await f.StartAsync();
        await f["a"].WaitFor(x => x.State == SupervisorState.Running);
        await f["b"].WaitFor(x => x.State == SupervisorState.Running);

        var metrics = await f.MetricsAsync();

        metrics.Value("mlx_supervisor_memory_budget_bytes").Should().Be(8L << 30);
        var each = metrics.Value("mlx_supervisor_server_resident_memory_bytes", ("server", "a")) + metrics.Value("mlx_supervisor_server_resident_memory_bytes", ("server", "b"));
        metrics.Value("mlx_supervisor_memory_used_bytes").Should().BeApproximately(each, each * 0.25, "the same two process trees, measured a moment apart");
        metrics.Value("mlx_supervisor_memory_reserved_bytes").Should().Be(0, "no server is starting");
    }
}
