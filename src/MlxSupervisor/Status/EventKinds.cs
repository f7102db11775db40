namespace MlxSupervisor.Status;

/// <summary>The <see cref="Supervision.SupervisorEvent"/> kinds that the status page, the metrics and the hooks react to.</summary>
public static class EventKinds
{
    public const string Started = "started";
    public const string Exited = "exited";
    public const string DeclaredDead = "declared-dead";
    public const string SpawnFailed = "spawn-failed";
    public const string CircuitOpen = "circuit-open";
    public const string CircuitHalfOpen = "circuit-half-open";
    public const string CircuitClosed = "circuit-closed";
    public const string Survivors = "survivors";
    public const string State = "state";
}
