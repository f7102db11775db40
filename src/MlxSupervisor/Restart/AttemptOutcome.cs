namespace MlxSupervisor.Restart;

/// <summary>How one start of the server went, as the circuit breaker counts it.</summary>
/// <param name="Succeeded">It stayed healthy for <c>Restart:ResetAfter</c>.</param>
/// <param name="Reason">Why it failed ("exited code 1 during startup", "declared dead", ...); null on success.</param>
/// <param name="CountsAsFailure">False when an operator ended the attempt: the breaker then does not count it.</param>
public sealed record AttemptOutcome(bool Succeeded, string? Reason, bool CountsAsFailure = true)
{
    public static readonly AttemptOutcome Stable = new(true, null, CountsAsFailure: false);

    public static AttemptOutcome Failed(string reason) => new(false, reason);

    public static AttemptOutcome Interrupted(string reason) => new(false, reason, CountsAsFailure: false);
}
