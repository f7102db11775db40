using MlxSupervisor.Configuration;
using MlxSupervisor.Fleet;
using MlxSupervisor.Memory;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Ledger;

/// <summary>
/// The fleet's memory as the daemon measures it: each server's footprint (phys_footprint of its process tree on
/// macOS, Metal buffers included; RSS on Linux), the peak of each life, kept across daemon restarts as that server's
/// estimate, and the entries <see cref="RoomPolicy"/> decides on.
/// </summary>
public sealed class MemoryLedger
{
    private readonly IServerMemoryReader _reader;
    private readonly PeakFootprintStore _peaks;
    private readonly Func<SupervisorOptions> _options;
    private readonly Dictionary<string, PeakTracker> _lives = [];
    private readonly Lock _lock = new();

    public MemoryLedger(IServerMemoryReader reader, PeakFootprintStore peaks, Func<SupervisorOptions> options)
    {
        _reader = reader;
        _peaks = peaks;
        _options = options;
    }

    public long? Budget => _options().Fleet.MemoryBudgetBytes;

    /// <summary>What the budget counts for a server before it runs: its last life's peak, or its MemoryEstimate until it has run.</summary>
    public long EstimateOf(ServerUnit unit) => _peaks.PeakOf(unit.Name) ?? unit.Settings.MemoryEstimateBytes ?? 0;

    /// <summary>The footprint of the server's process tree now; null when it runs no process.</summary>
    public long? Measure(ServerUnit unit) =>
        unit.Status.Current.Pid is { } pid && _reader.ReadServer(pid) is { } memory ? memory.Bytes : null;

    /// <summary>Measures the server and keeps the peak of its life; null when it runs no process.</summary>
    private long? Sample(ServerUnit unit)
    {
        if (Measure(unit) is not { } bytes)
            return null;
        lock (_lock)
        {
            if (!_lives.TryGetValue(unit.Name, out var life))
                _lives[unit.Name] = life = new PeakTracker();
            life.Observe(bytes);
        }
        return bytes;
    }

    /// <summary>A life of the server ended: its peak becomes its estimate, here and for the next daemon.</summary>
    public void LifeEnded(ServerUnit unit)
    {
        long? peak;
        lock (_lock)
        {
            if (!_lives.Remove(unit.Name, out var life))
                return;
            peak = life.Peak;
        }
        if (peak is { } bytes)
            _peaks.Record(unit.Name, bytes);
    }

    /// <summary>
    /// While a budget is set: measures every server each Memory:Interval, so each life's peak is known when it ends
    /// (and recorded then, as that server's estimate). Without a budget nothing is measured: nothing decides on it.
    /// </summary>
    public async Task RunAsync(Func<IReadOnlyList<ServerUnit>> units, TimeProvider time, CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                var next = Task.Delay(_options().Memory.Interval, time, stoppingToken);
                if (Budget is not null)
                {
                    foreach (var unit in units())
                    {
                        if (Sample(unit) is null)
                            LifeEnded(unit);
                    }
                }
                await next;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The fleet as the policy sees it, measured now.</summary>
    public IReadOnlyList<LedgerEntry> Entries(IEnumerable<ServerUnit> units) => [.. units.Select(Entry)];

    private LedgerEntry Entry(ServerUnit unit)
    {
        var snapshot = unit.Status.Current;
        var atBoot = unit.Settings.Start == ServerStart.AtBoot;
        var state = snapshot.State switch
        {
            SupervisorState.Starting => LedgerState.Starting,
            SupervisorState.Running or SupervisorState.Unhealthy => LedgerState.Running,
            SupervisorState.Stopping => LedgerState.Stopping,
            // A server between two lives keeps its room: it comes back by itself, without asking the ledger. Only a
            // server held stopped (idle, for room, by an operator or its policy) has given its room back.
            SupervisorState.BackingOff or SupervisorState.CircuitOpen => LedgerState.Starting,
            _ => LedgerState.Stopped,
        };
        var activity = unit.Activity.Current;
        return new LedgerEntry(unit.Name, atBoot ? StartPolicy.AtBoot : StartPolicy.OnDemand, state, Measure(unit), EstimateOf(unit),
            activity.InFlight, snapshot.ServerStartedAt, unit.Activity.LastRequestAt);
    }
}
