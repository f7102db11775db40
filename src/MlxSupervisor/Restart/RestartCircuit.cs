using MlxSupervisor.Configuration;
using Polly;
using Polly.CircuitBreaker;

namespace MlxSupervisor.Restart;

/// <summary>
/// The restart circuit breaker. Each restart runs through a Polly v8 breaker, and its outcome is known only
/// once the server has stayed healthy for ResetAfter, or failed before that.
/// </summary>
/// <remarks>
/// Polly v8 has no breaker that counts consecutive failures. Its documented equivalent is a FailureRatio of
/// 1.0 with a MinimumThroughput of N over the SamplingDuration: N failures and no success in the window.
/// </remarks>
public sealed class RestartCircuit
{
    private readonly ResiliencePipeline<AttemptOutcome> _pipeline;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly TimeProvider _time;
    private readonly (int Threshold, TimeSpan Window, TimeSpan Break) _settings;

    public RestartCircuit(CircuitBreakerOptions options, TimeProvider time)
    {
        _time = time;
        _settings = (options.FailureThreshold, options.SamplingWindow, options.BreakDuration);
        _pipeline = new ResiliencePipelineBuilder<AttemptOutcome> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<AttemptOutcome>
            {
                FailureRatio = 1.0,
                MinimumThroughput = Math.Max(2, options.FailureThreshold),
                SamplingDuration = options.SamplingWindow,
                BreakDuration = options.BreakDuration,
                StateProvider = _state,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { Succeeded: false, CountsAsFailure: true } || args.Outcome.Exception is not null and not OperationCanceledException),
                OnOpened = args =>
                {
                    ReopensAt = _time.GetUtcNow() + args.BreakDuration;
                    Transitioned?.Invoke(new CircuitTransition(CircuitState.Open, ReopensAt));
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    Transitioned?.Invoke(new CircuitTransition(CircuitState.HalfOpen, null));
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    ReopensAt = null;
                    Transitioned?.Invoke(new CircuitTransition(CircuitState.Closed, null));
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Whether this circuit was built from settings equal to <paramref name="options"/>. Polly's breaker
    /// cannot be reconfigured, so a reload that changes them builds a new circuit.</summary>
    public bool Uses(CircuitBreakerOptions options) =>
        _settings == (options.FailureThreshold, options.SamplingWindow, options.BreakDuration);

    /// <summary>Raised on the thread that caused the change, before the attempt's outcome is returned.</summary>
    public event Action<CircuitTransition>? Transitioned;

    public CircuitState State => _state.CircuitState;

    /// <summary>While open: when the half-open trial becomes allowed.</summary>
    public DateTimeOffset? ReopensAt { get; private set; }

    /// <summary>Time left until a start may be tried; zero unless the circuit is open.</summary>
    public TimeSpan RemainingBreak =>
        State == CircuitState.Open && ReopensAt is { } at && at > _time.GetUtcNow() ? at - _time.GetUtcNow() : TimeSpan.Zero;

    /// <summary>Runs one start through the breaker.</summary>
    /// <returns>The attempt's outcome, or null when the open circuit refused it.</returns>
    public async ValueTask<AttemptOutcome?> TryExecuteAsync(Func<CancellationToken, ValueTask<AttemptOutcome>> attempt, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(attempt, cancellationToken);
        }
        catch (BrokenCircuitException)
        {
            return null;
        }
    }
}
