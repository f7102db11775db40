namespace MlxSupervisor.Supervision;

/// <summary>The kinds of <see cref="SupervisorEvent"/> the supervisor records; the status page, the metrics and the hooks react to them.</summary>
public static class EventKinds
{
    /// <summary>A state change; the message is "State: reason".</summary>
    public const string State = "state";

    /// <summary>A server was spawned: <see cref="SupervisorEvent.Pid"/> is its pid, and after the first, <see cref="SupervisorEvent.Cause"/> why the previous one ended.</summary>
    public const string Started = "started";

    /// <summary>A server could not be spawned; after the first start, <see cref="SupervisorEvent.Cause"/> says why the previous one ended.</summary>
    public const string SpawnFailed = "spawn-failed";

    public const string Stable = "stable";
    public const string StrikeWaived = "strike-waived";
    public const string DeclaredDead = "declared-dead";
    public const string Exited = "exited";
    public const string Stopped = "stopped";

    /// <summary>Processes of the server's that outlived SIGKILL and a bounded wait.</summary>
    public const string Survivors = "survivors";

    /// <summary>The restart circuit opened: <see cref="SupervisorEvent.Until"/> is when it lets a trial start through.</summary>
    public const string CircuitOpen = "circuit-open";

    public const string CircuitHalfOpen = "circuit-half-open";
    public const string CircuitClosed = "circuit-closed";
    public const string CircuitReconfigured = "circuit-reconfigured";
}
