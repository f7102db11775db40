namespace MlxSupervisor.Supervision;

/// <summary>A request to end the server's current life.</summary>
/// <param name="CountsAsFailure">
/// True when the server is sick (stalled, over its memory limit): the restart then backs off and counts
/// toward the circuit like a crash. False for an operator's restart or stop.
/// </param>
public sealed record RestartRequest(string Reason, bool CountsAsFailure);
