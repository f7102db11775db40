namespace MlxSupervisor.Supervision;

/// <summary>Why the server's current life is to end, or has ended.</summary>
/// <param name="Reason">What the log, the Stopping state and the last exit say.</param>
/// <param name="CountsAsFailure">
/// True when the server is sick (stalled, over its memory limit, dead): the restart then backs off and counts
/// toward the circuit like a crash. False for an operator's restart or stop.
/// </param>
/// <param name="Cause">What the spawn that replaces this life is told.</param>
public sealed record RestartRequest(string Reason, bool CountsAsFailure, RestartCause Cause)
{
    /// <summary>The server's exit code, when the life ended because it exited and the code is known.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The server is sick; <paramref name="label"/> is one of <see cref="RestartCause.Labels"/>.</summary>
    public static RestartRequest Failure(string label, string reason) => new(reason, CountsAsFailure: true, new RestartCause(label, reason));

    /// <summary>An operator's restart or stop: no backoff, and the circuit does not count it.</summary>
    public static RestartRequest ByOperator(string reason) => new(reason, CountsAsFailure: false, new RestartCause(RestartCause.Operator, reason));
}
