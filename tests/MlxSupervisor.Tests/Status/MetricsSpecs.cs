using FluentAssertions;
using MlxSupervisor.Process;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Status;

/// <summary>GET /metrics: Prometheus text, read by a strict parser, through a crash and restart of the real simulated server.</summary>
public sealed class MetricsSpecs
{
    private const string Restarts = "mlx_supervisor_restarts_total";

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_metrics_parse_as_Prometheus_text_with_help_and_units()
    {
        await using var s = new StatusHarness([]);
        await s.StartAsync();
        await s.Supervisor.WaitFor(x => x.State == SupervisorState.Running);

        var metrics = await s.MetricsAsync();

        metrics.Families.Should().ContainKeys(
            Restarts, "mlx_supervisor_state", "mlx_supervisor_circuit_state", "mlx_supervisor_health_probe_duration_seconds",
            "mlx_supervisor_server_uptime_seconds", "mlx_supervisor_server_resident_memory_bytes");
        metrics.Families[Restarts].Type.Should().Be("counter");
        metrics.Families["mlx_supervisor_health_probe_duration_seconds"].Type.Should().Be("histogram");
        metrics.Families.Values.Where(f => f.Samples.Count > 0).Should().OnlyContain(f => !string.IsNullOrWhiteSpace(f.Help));
        metrics.Value("mlx_supervisor_state", ("state", "Running")).Should().Be(1);
        metrics.Sum("mlx_supervisor_state").Should().Be(1, "exactly one state is current");
        metrics.Value("mlx_supervisor_circuit_state", ("state", "Closed")).Should().Be(1);
        metrics.Value("mlx_supervisor_server_resident_memory_bytes").Should().BeGreaterThan(1 << 20);
        metrics.Value("mlx_supervisor_health_probe_duration_seconds_count", ("result", "ok")).Should().BeGreaterThanOrEqualTo(1);
        metrics.Sum(Restarts).Should().Be(0);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_daemons_own_managed_heap_threads_and_timers_are_exported_beside_the_servers_figures()
    {
        await using var s = new StatusHarness([]);
        await s.StartAsync();
        await s.Supervisor.WaitFor(x => x.State == SupervisorState.Running);
        GC.Collect(); // The runtime reports the heap as of the last collection.

        var metrics = await s.MetricsAsync();

        metrics.Sum("dotnet_gc_last_collection_heap_size_bytes").Should().BeGreaterThan(0);
        metrics.Value("dotnet_gc_last_collection_memory_committed_size_bytes").Should().BeGreaterThan(0);
        metrics.Value("dotnet_timer_count").Should().BeGreaterThan(0, "the supervisor's own probe timer is live");
        metrics.Families.Should().ContainKey("dotnet_thread_pool_thread_count_total");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_restart_counter_and_probe_histogram_rise_through_a_crash_and_restart()
    {
        await using var s = new StatusHarness([]);
        await s.StartAsync();
        var first = (await s.Supervisor.WaitFor(x => x.State == SupervisorState.Running)).Pid!.Value;
        var before = await s.MetricsAsync();

        var sinceKill = System.Diagnostics.Stopwatch.StartNew();
        NativeMethods.Kill(first, Signals.SIGKILL);
        await s.Supervisor.WaitFor(x => x.State == SupervisorState.Running && x.Pid is { } pid && pid != first);
        var probesAtRestart = s.Supervisor.Supervisor.Status.Current.Health.LastOkAt;
        await s.Supervisor.WaitFor(x => x.Health.LastOkAt > probesAtRestart, TimeSpan.FromSeconds(20));
        var after = await s.MetricsAsync();

        before.Value(Restarts, ("reason", "exited")).Should().Be(0);
        after.Value(Restarts, ("reason", "exited")).Should().Be(1, "the SIGKILLed server exited and was spawned again");
        after.Sum(Restarts).Should().BeGreaterThanOrEqualTo(1);
        after.Sum("mlx_supervisor_health_probe_duration_seconds_count").Should().BeGreaterThan(before.Sum("mlx_supervisor_health_probe_duration_seconds_count"));
        after.Value("mlx_supervisor_state", ("state", "Running")).Should().Be(1);
        after.Value("mlx_supervisor_server_uptime_seconds").Should().BeLessThan(sinceKill.Elapsed.TotalSeconds, "the uptime is the new server's");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_crash_loop_shows_as_restarts_and_an_open_circuit()
    {
        await using var s = new StatusHarness(["--crash-after-ms", "0"], o =>
        {
            o.Restart.InitialDelay = TimeSpan.FromMilliseconds(20);
            o.Restart.MaxDelay = TimeSpan.FromMilliseconds(100);
            o.CircuitBreaker.FailureThreshold = 2;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
        });
        await s.StartAsync();
        await s.Supervisor.WaitFor(x => x.State == SupervisorState.CircuitOpen);

        var metrics = await s.MetricsAsync();

        metrics.Value("mlx_supervisor_circuit_state", ("state", "Open")).Should().Be(1);
        metrics.Value("mlx_supervisor_state", ("state", "CircuitOpen")).Should().Be(1);
        metrics.Value(Restarts, ("reason", "exited")).Should().Be(2, "two failed restarts open a circuit with a threshold of 2");
        metrics.Value("mlx_supervisor_server_uptime_seconds").Should().Be(0);
        metrics.Value("mlx_supervisor_server_resident_memory_bytes").Should().Be(0);
    }
}
