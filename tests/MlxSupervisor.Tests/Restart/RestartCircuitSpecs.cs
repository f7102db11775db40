using FluentAssertions;
using Microsoft.Extensions.Time.Testing;
using MlxSupervisor.Configuration;
using MlxSupervisor.Restart;
using Polly.CircuitBreaker;
using Xunit;

namespace MlxSupervisor.Tests.Restart;

public sealed class RestartCircuitSpecs
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly List<CircuitState> _transitions = [];
    private readonly RestartCircuit _circuit;

    public RestartCircuitSpecs()
    {
        _circuit = new RestartCircuit(new CircuitBreakerOptions
        {
            FailureThreshold = 5,
            SamplingWindow = TimeSpan.FromMinutes(5),
            BreakDuration = TimeSpan.FromSeconds(60),
        }, _time);
        _circuit.Transitioned += t => _transitions.Add(t.State);
    }

    private async Task<AttemptOutcome?> Attempt(bool succeeds)
    {
        var ran = false;
        var outcome = await _circuit.TryExecuteAsync(_ =>
        {
            ran = true;
            return ValueTask.FromResult(succeeds ? AttemptOutcome.Stable : AttemptOutcome.Failed("exited code=1"));
        }, CancellationToken.None);
        (outcome is null).Should().Be(!ran, "a refused attempt must not run");
        return outcome;
    }

    private async Task FailTimes(int count, TimeSpan apart)
    {
        for (var i = 0; i < count; i++)
        {
            (await Attempt(succeeds: false)).Should().NotBeNull();
            _time.Advance(apart);
        }
    }

    [Fact]
    public async Task Four_failed_restarts_leave_the_circuit_closed()
    {
        await FailTimes(4, TimeSpan.FromSeconds(10));

        _circuit.State.Should().Be(CircuitState.Closed);
        (await Attempt(succeeds: false)).Should().NotBeNull("the fifth attempt still runs");
    }

    [Fact]
    public async Task The_circuit_opens_after_five_failed_restarts_and_refuses_starts_for_the_break()
    {
        await FailTimes(5, TimeSpan.FromSeconds(10));

        _circuit.State.Should().Be(CircuitState.Open);
        _circuit.ReopensAt.Should().Be(_time.GetUtcNow() - TimeSpan.FromSeconds(10) + TimeSpan.FromSeconds(60));
        _circuit.RemainingBreak.Should().Be(TimeSpan.FromSeconds(50));
        (await Attempt(succeeds: true)).Should().BeNull();
        _transitions.Should().Equal(CircuitState.Open);
    }

    [Fact]
    public async Task Failures_spread_wider_than_the_sampling_window_do_not_open_the_circuit()
    {
        await FailTimes(8, TimeSpan.FromMinutes(2));

        _circuit.State.Should().Be(CircuitState.Closed);
    }

    [Fact]
    public async Task After_the_break_exactly_one_trial_runs_and_its_success_closes_the_circuit()
    {
        await FailTimes(5, TimeSpan.Zero);
        _time.Advance(TimeSpan.FromSeconds(59));
        (await Attempt(succeeds: true)).Should().BeNull("the break has one second left");

        _time.Advance(TimeSpan.FromSeconds(1));
        var trial = await Attempt(succeeds: true);

        trial.Should().Be(AttemptOutcome.Stable);
        _circuit.State.Should().Be(CircuitState.Closed);
        _circuit.ReopensAt.Should().BeNull();
        _transitions.Should().Equal(CircuitState.Open, CircuitState.HalfOpen, CircuitState.Closed);
    }

    [Fact]
    public async Task A_failed_trial_opens_the_circuit_again_for_the_whole_break()
    {
        await FailTimes(5, TimeSpan.Zero);
        _time.Advance(TimeSpan.FromSeconds(60));

        (await Attempt(succeeds: false)).Should().NotBeNull();

        _circuit.State.Should().Be(CircuitState.Open);
        _circuit.RemainingBreak.Should().Be(TimeSpan.FromSeconds(60));
        _transitions.Should().Equal(CircuitState.Open, CircuitState.HalfOpen, CircuitState.Open);
    }

    [Fact]
    public async Task After_the_circuit_closes_it_takes_five_new_failures_to_open_it_again()
    {
        await FailTimes(5, TimeSpan.Zero);
        _time.Advance(TimeSpan.FromSeconds(60));
        await Attempt(succeeds: true);

        await FailTimes(4, TimeSpan.FromSeconds(1));
        _circuit.State.Should().Be(CircuitState.Closed);
        await FailTimes(1, TimeSpan.FromSeconds(1));
        _circuit.State.Should().Be(CircuitState.Open);
    }
}
