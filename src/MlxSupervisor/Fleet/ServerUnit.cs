using MlxSupervisor.Configuration;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Memory;
using MlxSupervisor.State;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Fleet;

/// <summary>
/// One supervised server and everything that is its alone: its supervisor (backoff, breaker, probes), its memory guard,
/// its state record and the reclaim of what a previous daemon left of it, and the front door's figures of its traffic.
/// Built by <see cref="ServerUnitFactory"/> from its settings; the fleet, the router and the ledger read its snapshots
/// and ask it to start or stop, and never reach inside.
/// </summary>
public sealed class ServerUnit
{
    private readonly Func<ServerSettings> _settings;
    private readonly PreviousServerReclaimer _reclaimer;
    private readonly TimeProvider _time;

    internal ServerUnit(string name, Func<ServerSettings> settings, ServerSupervisor supervisor, ServerMemoryGuard memoryGuard,
        FrontDoorStatistics activity, PreviousServerReclaimer reclaimer, TimeProvider time)
    {
        _time = time;
        Name = name;
        _settings = settings;
        Supervisor = supervisor;
        MemoryGuard = memoryGuard;
        Activity = activity;
        _reclaimer = reclaimer;
    }

    public string Name { get; }

    /// <summary>Its settings as they are now: a reload applies at each read.</summary>
    public ServerSettings Settings => _settings();

    public ServerSupervisor Supervisor { get; }

    public SupervisorStatus Status => Supervisor.Status;

    public ServerMemoryGuard MemoryGuard { get; }

    /// <summary>Its requests, as the front door counts them: in flight, queued, the last byte; the supervisor reads it as busy-aware liveness.</summary>
    public FrontDoorStatistics Activity { get; }

    /// <summary>
    /// Runs the unit for as long as <paramref name="stoppingToken"/> allows: first stops what a previous daemon left of
    /// this server (its port and its model's memory), then supervises, and samples its memory, until the daemon stops,
    /// when the server is stopped gracefully.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        await _reclaimer.ReclaimAsync(Settings.Options.Shutdown.GracePeriod, stoppingToken);
        // The guard and the idle watch end with the supervision, however it ends (a fault included).
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var guard = MemoryGuard.RunAsync(watching.Token);
        var idle = IdleWatch.RunAsync(this, _time, watching.Token);
        try
        {
            await Supervisor.RunAsync(stoppingToken);
        }
        finally
        {
            await watching.CancelAsync();
            await Task.WhenAll(guard, idle);
        }
    }
}
