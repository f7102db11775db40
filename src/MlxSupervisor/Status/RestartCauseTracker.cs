using MlxSupervisor.Supervision;

namespace MlxSupervisor.Status;

/// <summary>
/// Follows the supervisor's events to tell, at each spawn after the first, why the previous life ended. The
/// first cause seen wins: a server declared dead is then stopped, and that stop is not the reason.
/// </summary>
/// <remarks>Not thread-safe; the caller serialises events.</remarks>
public sealed class RestartCauseTracker
{
    /// <summary>The reason <see cref="ControlEndpoints"/> gives, so its restarts are labelled "operator".</summary>
    public const string OperatorPrefix = "operator";

    private const string Stopping = nameof(SupervisorState.Stopping) + ": ";
    private const string Stopped = nameof(SupervisorState.Stopped) + ": ";

    private int _attempts;
    private RestartCause? _pending;

    /// <returns>The cause when <paramref name="e"/> is a spawn (or failed spawn) after the first; otherwise null.</returns>
    public RestartCause? Observe(SupervisorEvent e)
    {
        switch (e.Kind)
        {
            case EventKinds.Started:
            case EventKinds.SpawnFailed:
                var cause = ++_attempts > 1 ? _pending ?? new RestartCause(RestartCause.Requested, "restart requested") : null;
                _pending = e.Kind == EventKinds.SpawnFailed ? new RestartCause(RestartCause.SpawnFailed, e.Message) : null;
                return cause;
            case EventKinds.Exited:
                _pending ??= new RestartCause(RestartCause.Exited, e.Message);
                return null;
            case EventKinds.DeclaredDead:
                _pending ??= new RestartCause(RestartCause.Unhealthy, e.Message);
                return null;
            case EventKinds.State when _pending is null && e.Message.StartsWith(Stopping, StringComparison.Ordinal):
                _pending = FromStopReason(e.Message[Stopping.Length..]);
                return null;
            case EventKinds.State when _pending is null && e.Message.StartsWith(Stopped + "stopped by operator", StringComparison.Ordinal):
                _pending = new RestartCause(RestartCause.Operator, "stopped by operator, then started");
                return null;
            default:
                return null;
        }
    }

    // The supervisor words a startup timeout as "not healthy within the startup timeout ..." (ServerSupervisor.Run.cs).
    private static RestartCause FromStopReason(string reason) =>
        reason.StartsWith(OperatorPrefix, StringComparison.Ordinal) ? new(RestartCause.Operator, reason)
        : reason.StartsWith("not healthy within the startup timeout", StringComparison.Ordinal) ? new(RestartCause.StartupTimeout, reason)
        : new(RestartCause.Requested, reason);
}
