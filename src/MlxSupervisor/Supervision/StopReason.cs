namespace MlxSupervisor.Supervision;

/// <summary>Why a server is held stopped, and whether a request for its model may start it again.</summary>
public enum StopKind
{
    /// <summary>An operator's stop (POST /stop, <c>mlx-supervisor stop</c>): only an operator's start ends it.</summary>
    Operator,

    /// <summary>An OnDemand server that has not been asked for yet.</summary>
    NotStarted,

    /// <summary>An OnDemand server stopped after its IdleTimeout.</summary>
    Idle,

    /// <summary>An OnDemand server stopped to make room in the memory budget for another.</summary>
    ForRoom,

    /// <summary>Restart:Policy said not to start it again after it ended (OnFailure after a clean exit, or Never).</summary>
    Policy,
}

/// <summary>Why the supervisor holds its server stopped.</summary>
/// <param name="Reason">For the log, the status and the Stopped state: "idle for 10 min".</param>
public sealed record StopReason(StopKind Kind, string Reason)
{
    /// <summary>A request for one of its models may start it: it was stopped for the fleet's sake, not by a person or a policy.</summary>
    public bool StartsOnDemand => Kind is StopKind.NotStarted or StopKind.Idle or StopKind.ForRoom;
}
