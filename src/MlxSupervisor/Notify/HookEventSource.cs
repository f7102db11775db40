using MlxSupervisor.Supervision;

namespace MlxSupervisor.Notify;

/// <summary>Turns the supervisor's events into the few a person wants to be told about.</summary>
public static class HookEventSource
{
    /// <param name="server">The name of the server whose supervisor recorded <paramref name="e"/>.</param>
    /// <param name="snapshot">The snapshot as the event is recorded (it may not yet show what the event says).</param>
    /// <returns>The hook event, or null when <paramref name="e"/> is not one a hook runs for.</returns>
    public static HookEvent? Observe(string server, SupervisorEvent e, SupervisorSnapshot snapshot) => e.Kind switch
    {
        EventKinds.Started when e.Cause is { } cause => Make(server, HookEvent.Restart, e, snapshot, cause.Message, cause.Label, e.Pid,
            snapshot.LastExit?.Code, snapshot.LastExit?.Signal),
        EventKinds.DeclaredDead => Make(server, HookEvent.DeclaredDead, e, snapshot, e.Message, null, e.Pid, null, null),
        EventKinds.CircuitOpen => Make(server, HookEvent.CircuitOpen, e, snapshot, $"too many failed restarts: {e.Message}", null, null, null, null)
            with { Circuit = "Open", ReopensAt = e.Until },
        EventKinds.CircuitClosed => Make(server, HookEvent.CircuitClosed, e, snapshot, e.Message, null, snapshot.Pid, null, null) with { Circuit = "Closed" },
        EventKinds.Survivors => Make(server, HookEvent.Survivors, e, snapshot, e.Message, null, e.Pid, null, null),
        _ => null,
    };

    private static HookEvent Make(string server, string name, SupervisorEvent e, SupervisorSnapshot s, string reason, string? cause, int? pid,
        int? exitCode, string? signal) =>
        new(server, name, e.At, reason, cause, s.State.ToString(), pid, exitCode, signal, s.Restarts, s.Circuit, s.CircuitReopensAt);
}
