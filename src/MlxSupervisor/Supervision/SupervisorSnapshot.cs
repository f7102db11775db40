namespace MlxSupervisor.Supervision;

/// <summary>
/// An immutable picture of one supervised server. The status endpoint and the front door read this; they never
/// reach into the supervisor.
/// </summary>
public sealed record SupervisorSnapshot
{
    public required SupervisorState State { get; init; }

    public required DateTimeOffset Since { get; init; }

    /// <summary>Why the supervisor entered <see cref="State"/>.</summary>
    public string Reason { get; init; } = "";

    public int? Pid { get; init; }

    /// <summary>The server was already running when the daemon started, and was adopted rather than spawned (<c>Server:Adopt</c>).</summary>
    public bool Adopted { get; init; }

    public DateTimeOffset? ServerStartedAt { get; init; }

    /// <summary>The Health:Url the current server was started with: the front door forwards to its address, even after a
    /// reload changed the setting, until the server is restarted with the new one.</summary>
    public string? HealthUrl { get; init; }

    /// <summary>Spawns after the first.</summary>
    public int Restarts { get; init; }

    public int ConsecutiveFailures { get; init; }

    public string Circuit { get; init; } = "Closed";

    public DateTimeOffset? CircuitReopensAt { get; init; }

    public DateTimeOffset? NextRestartAt { get; init; }

    /// <summary>While Stopped: why, and whether a request for its model may start it again.</summary>
    public StopReason? StoppedFor { get; init; }

    public HealthSnapshot Health { get; init; } = new(null, 0, null);

    public ExitSnapshot? LastExit { get; init; }

    public bool IsServing => State is SupervisorState.Running or SupervisorState.Unhealthy;
}

/// <param name="LastError">Why the last failed probe failed.</param>
public sealed record HealthSnapshot(DateTimeOffset? LastOkAt, int Strikes, string? LastError)
{
    /// <summary>When <see cref="LastError"/> happened.</summary>
    public DateTimeOffset? LastErrorAt { get; init; }

    /// <summary>True when <see cref="LastError"/> came from a probe while the server was starting (loading its model).</summary>
    public bool LastErrorDuringStartup { get; init; }

    /// <summary>When a generation probe last got its first token.</summary>
    public DateTimeOffset? LastTokenAt { get; init; }
}

/// <param name="Code">Null when it could not be learned (a process it left behind escaped the cleanup).</param>
/// <param name="Signal">The signal name when one killed the server.</param>
/// <param name="Reason">Why it ended: "exited", "declared dead", "daemon shutting down", ...</param>
public sealed record ExitSnapshot(int? Code, string? Signal, DateTimeOffset At, string Reason);
