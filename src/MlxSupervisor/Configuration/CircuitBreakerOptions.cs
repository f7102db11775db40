namespace MlxSupervisor.Configuration;

/// <summary>The restart circuit breaker: <c>Supervisor:CircuitBreaker</c>.</summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Failed restarts within <see cref="SamplingWindow"/> that open the circuit.</summary>
    /// <value>Default: 5.</value>
    public int FailureThreshold { get; set; } = 5;

    /// <value>Default: 5 min.</value>
    public TimeSpan SamplingWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long nothing is spawned once the circuit opens.</summary>
    /// <value>Default: 60 s.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromMinutes(1);
}
