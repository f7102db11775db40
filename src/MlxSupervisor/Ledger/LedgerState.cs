namespace MlxSupervisor.Ledger;

/// <summary>
/// Where a server stands as far as memory goes: whether processes of it are alive. It is coarser than
/// <see cref="Supervision.SupervisorState"/>: Unhealthy is Running (its processes still hold their memory),
/// BackingOff and CircuitOpen are Stopped (nothing of it is alive).
/// </summary>
public enum LedgerState
{
    /// <summary>No process of it is alive.</summary>
    Stopped,

    /// <summary>Spawned and loading its model.</summary>
    Starting,

    /// <summary>Loaded and serving.</summary>
    Running,

    /// <summary>Asked to stop; its processes are still alive.</summary>
    Stopping,
}
