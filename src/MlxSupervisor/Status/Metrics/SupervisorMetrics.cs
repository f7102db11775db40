using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Reflection;
using MlxSupervisor.Fleet;
using MlxSupervisor.Health;
using MlxSupervisor.Ledger;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Status.Metrics;

/// <summary>
/// The supervisors' instruments, on the Meter "MlxSupervisor.Supervisor": one set for the whole fleet, each
/// measurement labelled with its <c>server</c>, read from the fleet's units at each collection, so a server a reload
/// adds gets its series and one it removes loses them. Names are Prometheus names already; the exporter adds the
/// unit and _total suffixes (restarts → mlx_supervisor_restarts_total, "s" → _seconds, "By" → _bytes).
/// </summary>
/// <remarks>
/// One instrument per name observing every unit, rather than a set per unit: the exporter then never has to merge
/// same-named instruments, and a removed server's series end with it.
/// </remarks>
public sealed class SupervisorMetrics : IDisposable
{
    public const string MeterName = "MlxSupervisor.Supervisor";

    private const string ServerLabel = "server";

    private static readonly string[] CircuitStates = ["Closed", "Open", "HalfOpen"];

    // Probes answer in milliseconds when healthy and take up to Health:Timeout (5 s by default) when not.
    private static readonly double[] ProbeBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly Dictionary<string, int> ReasonIndex =
        RestartCause.Labels.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => p.i);

    private readonly ServerFleet _fleet;
    private readonly IResidentMemoryReader _memory;
    private readonly TimeProvider _time;
    private readonly MemoryLedger? _ledger;
    private readonly ConcurrentDictionary<ServerUnit, long[]> _restarts = new();
    private readonly Histogram<double> _probeDuration;
    private readonly EveryUnit _units;

    /// <param name="ledger">The memory ledger, for the mlx_supervisor_memory_* gauges; null leaves them out.</param>
    public SupervisorMetrics(ServerFleet fleet, IResidentMemoryReader memory, TimeProvider time, MemoryLedger? ledger = null)
    {
        _fleet = fleet;
        _memory = memory;
        _time = time;
        _ledger = ledger;
        Meter = new Meter(MeterName, typeof(SupervisorMetrics).Assembly.GetName().Version?.ToString());

        // Observable, over counts kept here: restarts before the exporter starts listening still count, and every
        // reason has a series from the start, so rate() sees the first increase.
        Meter.CreateObservableCounter("mlx_supervisor_restarts", ObserveRestarts, "{restart}",
            $"Spawns of the server after the first, by why the previous one ended ({string.Join(", ", RestartCause.Labels)}).");
        _probeDuration = Meter.CreateHistogram("mlx_supervisor_health_probe_duration", "s",
            "Time one health probe took, in seconds, by result (ok or failed).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ProbeBuckets });
        Meter.CreateObservableGauge("mlx_supervisor_state", ObserveState, "{state}",
            "The supervisor's state: 1 for the current one, 0 for the others.");
        Meter.CreateObservableGauge("mlx_supervisor_circuit_state", ObserveCircuit, "{state}",
            "The restart circuit: 1 for its current state (Closed, Open, HalfOpen), 0 for the others.");
        Meter.CreateObservableGauge("mlx_supervisor_server_uptime", () => EachUnit(ObserveUptime), "s",
            "Seconds since the current server process started; 0 when none runs.");
        Meter.CreateObservableGauge("mlx_supervisor_server_resident_memory", () => EachUnit(ObserveMemory), "By",
            "Bytes of memory held by the server's process group (resident set on Linux, physical footprint on macOS); 0 when none runs.");
        Meter.CreateObservableGauge("mlx_supervisor_consecutive_failures", () => EachUnit(u => u.Status.Current.ConsecutiveFailures), "{failure}",
            "Failed lives of the server in a row; restarts back off with it.");
        if (ledger is not null)
        {
            Meter.CreateObservableGauge("mlx_supervisor_memory_budget", ObserveBudget, "By",
                "Fleet:MemoryBudget, the bytes the servers may hold together; absent when there is no budget.");
            Meter.CreateObservableGauge("mlx_supervisor_memory_used", () => Ledger().UsedBytes, "By",
                "The measured footprints of the servers whose processes are alive, added up.");
            Meter.CreateObservableGauge("mlx_supervisor_memory_reserved", () => Ledger().ReservedBytes, "By",
                "Bytes the budget keeps for starting servers beyond what they measure yet (their estimates).");
        }

        _units = new EveryUnit(fleet, Attach);
    }

    /// <summary>The Meter, so an exporter can tell this daemon's instruments from another's in the same process (tests).</summary>
    public Meter Meter { get; }

    public static string? Version => typeof(SupervisorMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    public void Dispose()
    {
        _units.Dispose();
        Meter.Dispose();
    }

    private static KeyValuePair<string, object?> ServerOf(ServerUnit unit) => new(ServerLabel, unit.Name);

    /// <summary>Counts the unit's restarts and times its probes, until a reload removes it.</summary>
    private EveryUnit.Detach Attach(ServerUnit unit)
    {
        var restarts = new long[RestartCause.Labels.Count];
        _restarts[unit] = restarts;
        var server = ServerOf(unit);
        void OnEvent(SupervisorEvent e)
        {
            if (e.Cause is { } cause && e.Kind is EventKinds.Started or EventKinds.SpawnFailed)
                Interlocked.Increment(ref restarts[ReasonIndex[cause.Label]]);
        }
        void OnProbe(HealthProbeResult result) =>
            _probeDuration.Record(result.Took.TotalSeconds, new KeyValuePair<string, object?>("result", result.Healthy ? "ok" : "failed"), server);
        unit.Status.EventRecorded += OnEvent;
        unit.Supervisor.ProbeCompleted += OnProbe;
        return new EveryUnit.Detach(() =>
        {
            unit.Status.EventRecorded -= OnEvent;
            unit.Supervisor.ProbeCompleted -= OnProbe;
            _restarts.TryRemove(unit, out _);
        });
    }

    private IEnumerable<Measurement<T>> EachUnit<T>(Func<ServerUnit, T> observe) where T : struct =>
        _fleet.Units.Select(u => new Measurement<T>(observe(u), ServerOf(u)));

    private IEnumerable<Measurement<long>> ObserveRestarts()
    {
        foreach (var unit in _fleet.Units)
        {
            if (!_restarts.TryGetValue(unit, out var restarts))
                continue;
            for (var i = 0; i < restarts.Length; i++)
                yield return new Measurement<long>(Interlocked.Read(ref restarts[i]), new("reason", RestartCause.Labels[i]), ServerOf(unit));
        }
    }

    private IEnumerable<Measurement<int>> ObserveState()
    {
        foreach (var unit in _fleet.Units)
        {
            var current = unit.Status.Current.State;
            foreach (var state in Enum.GetValues<SupervisorState>())
                yield return new Measurement<int>(state == current ? 1 : 0, new("state", state.ToString()), ServerOf(unit));
        }
    }

    private IEnumerable<Measurement<int>> ObserveCircuit()
    {
        foreach (var unit in _fleet.Units)
        {
            var current = unit.Status.Current.Circuit;
            foreach (var state in CircuitStates)
                yield return new Measurement<int>(state == current ? 1 : 0, new("state", state), ServerOf(unit));
        }
    }

    private double ObserveUptime(ServerUnit unit) =>
        unit.Status.Current.ServerStartedAt is { } started ? Math.Max(0, (_time.GetUtcNow() - started).TotalSeconds) : 0;

    private long ObserveMemory(ServerUnit unit) => unit.Status.Current.Pid is { } pid ? _memory.ResidentBytes(pid) ?? 0 : 0;

    private LedgerDocument Ledger() => LedgerDocument.From(_ledger!, _fleet.Units);

    private IEnumerable<Measurement<long>> ObserveBudget()
    {
        if (_ledger!.Budget is { } budget)
            yield return new Measurement<long>(budget);
    }
}
