namespace MlxSupervisor.Restart;

/// <summary>A change of the restart circuit's state.</summary>
/// <param name="ReopensAt">When the circuit opened: the moment a half-open trial becomes allowed.</param>
public sealed record CircuitTransition(Polly.CircuitBreaker.CircuitState State, DateTimeOffset? ReopensAt);
