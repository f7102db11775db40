using System.Diagnostics.Metrics;
using System.Reflection;
using MlxSupervisor.Health;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Status.Metrics;

/// <summary>
/// The supervisor's own instruments, on the Meter "MlxSupervisor.Supervisor". Names are Prometheus names
/// already; the exporter adds the unit and _total suffixes (restarts → mlx_supervisor_restarts_total,
/// "s" → _seconds, "By" → _bytes).
/// </summary>
public sealed class SupervisorMetrics : IDisposable
{
    public const string MeterName = "MlxSupervisor.Supervisor";

    private static readonly string[] CircuitStates = ["Closed", "Open", "HalfOpen"];

    // Probes answer in milliseconds when healthy and take up to Health:Timeout (5 s by default) when not.
    private static readonly double[] ProbeBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly Dictionary<string, int> ReasonIndex =
        RestartCause.Labels.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => p.i);

    private readonly SupervisorStatus _status;
    private readonly ServerSupervisor _supervisor;
    private readonly IResidentMemoryReader _memory;
    private readonly TimeProvider _time;
    private readonly long[] _restarts = new long[RestartCause.Labels.Count];
    private readonly Histogram<double> _probeDuration;

    public SupervisorMetrics(ServerSupervisor supervisor, IResidentMemoryReader memory, TimeProvider time)
    {
        _supervisor = supervisor;
        _status = supervisor.Status;
        _memory = memory;
        _time = time;
        Meter = new Meter(MeterName, typeof(SupervisorMetrics).Assembly.GetName().Version?.ToString());

        // Observable, over counts kept here: restarts before the exporter starts listening still count, and every
        // reason has a series from the start, so rate() sees the first increase.
        Meter.CreateObservableCounter("mlx_supervisor_restarts", ObserveRestarts, "{restart}",
            "Spawns of the server after the first, by why the previous one ended (exited, unhealthy, startup-timeout, spawn-failed, operator, requested).");
        _probeDuration = Meter.CreateHistogram("mlx_supervisor_health_probe_duration", "s",
            "Time one health probe took, in seconds, by result (ok or failed).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ProbeBuckets });
        Meter.CreateObservableGauge("mlx_supervisor_state", ObserveState, "{state}",
            "The supervisor's state: 1 for the current one, 0 for the others.");
        Meter.CreateObservableGauge("mlx_supervisor_circuit_state", ObserveCircuit, "{state}",
            "The restart circuit: 1 for its current state (Closed, Open, HalfOpen), 0 for the others.");
        Meter.CreateObservableGauge("mlx_supervisor_server_uptime", ObserveUptime, "s",
            "Seconds since the current server process started; 0 when none runs.");
        Meter.CreateObservableGauge("mlx_supervisor_server_resident_memory", ObserveMemory, "By",
            "Bytes of memory held by the server's process group (resident set on Linux, physical footprint on macOS); 0 when none runs.");
        Meter.CreateObservableGauge("mlx_supervisor_consecutive_failures", () => _status.Current.ConsecutiveFailures, "{failure}",
            "Failed lives of the server in a row; restarts back off with it.");

        _status.EventRecorded += OnEvent;
        _supervisor.ProbeCompleted += OnProbe;
    }

    /// <summary>The Meter, so an exporter can tell this daemon's instruments from another's in the same process (tests).</summary>
    public Meter Meter { get; }

    public static string? Version => typeof(SupervisorMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    public void Dispose()
    {
        _status.EventRecorded -= OnEvent;
        _supervisor.ProbeCompleted -= OnProbe;
        Meter.Dispose();
    }

    private void OnEvent(SupervisorEvent e)
    {
        if (e.Cause is { } cause && e.Kind is EventKinds.Started or EventKinds.SpawnFailed)
            Interlocked.Increment(ref _restarts[ReasonIndex[cause.Label]]);
    }

    private IEnumerable<Measurement<long>> ObserveRestarts()
    {
        for (var i = 0; i < _restarts.Length; i++)
            yield return new Measurement<long>(Interlocked.Read(ref _restarts[i]), new KeyValuePair<string, object?>("reason", RestartCause.Labels[i]));
    }

    private void OnProbe(HealthProbeResult result) =>
        _probeDuration.Record(result.Took.TotalSeconds, new KeyValuePair<string, object?>("result", result.Healthy ? "ok" : "failed"));

    private IEnumerable<Measurement<int>> ObserveState()
    {
        var current = _status.Current.State;
        foreach (var state in Enum.GetValues<SupervisorState>())
            yield return new Measurement<int>(state == current ? 1 : 0, new KeyValuePair<string, object?>("state", state.ToString()));
    }

    private IEnumerable<Measurement<int>> ObserveCircuit()
    {
        var current = _status.Current.Circuit;
        foreach (var state in CircuitStates)
            yield return new Measurement<int>(state == current ? 1 : 0, new KeyValuePair<string, object?>("state", state));
    }

    private double ObserveUptime() =>
        _status.Current.ServerStartedAt is { } started ? Math.Max(0, (_time.GetUtcNow() - started).TotalSeconds) : 0;

    private long ObserveMemory() => _status.Current.Pid is { } pid ? _memory.ResidentBytes(pid) ?? 0 : 0;
}
