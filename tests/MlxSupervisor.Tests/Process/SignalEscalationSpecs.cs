using FluentAssertions;
using Microsoft.Extensions.Time.Testing;
using MlxSupervisor.Process;
using Xunit;

namespace MlxSupervisor.Tests.Process;

public sealed class SignalEscalationSpecs
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _fake = new();
    private readonly ObservedTime _time;
    private readonly List<int> _signals = [];
    private int _checks;

    public SignalEscalationSpecs() => _time = new ObservedTime(_fake);

    private SignalEscalation Escalation(Func<bool> gone, Task? ended = null) =>
        new(_signals.Add, () =>
        {
            _checks++;
            return gone();
        }, ended, _time);

    /// <summary>Waits until the wait has checked and set its next tick, which only then can the fake clock fire.</summary>
    private async Task NextTick() => (await _time.TimerCreated.WaitAsync(Patience)).Should().BeTrue("the wait should set its next tick");

    [Fact(Timeout = 10_000)]
    public async Task Processes_that_go_on_SIGTERM_are_never_sent_SIGKILL()
    {
        var killed = await Escalation(() => _signals.Contains(Signals.SIGTERM)).RunAsync(Grace);

        killed.Should().BeFalse();
        _signals.Should().Equal(Signals.SIGTERM);
    }

    [Fact(Timeout = 10_000)]
    public async Task Processes_still_there_when_the_grace_period_ends_are_sent_SIGKILL()
    {
        var run = Escalation(() => _signals.Contains(Signals.SIGKILL)).RunAsync(Grace);
        await NextTick();

        _fake.Advance(Grace - Tick);
        await NextTick();
        _signals.Should().Equal(Signals.SIGTERM);

        _fake.Advance(Tick);
        (await run.WaitAsync(Patience)).Should().BeTrue();
        _signals.Should().Equal(Signals.SIGTERM, Signals.SIGKILL);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_wait_whose_leader_was_already_reaped_checks_once_a_tick_instead_of_spinning()
    {
        // A spinning wait would reach the 50th check at once; the bound only keeps such a failure from hanging.
        var run = Escalation(() => _checks > 50, ended: Task.CompletedTask).RunAsync(Grace);
        await NextTick();

        run.IsCompleted.Should().BeFalse();
        _checks.Should().Be(1);

        _fake.Advance(Tick);
        await NextTick();
        _checks.Should().Be(2);
        run.IsCompleted.Should().BeFalse();
    }

    [Fact(Timeout = 10_000)]
    public async Task A_cancelled_wait_ends_at_once_without_SIGKILL()
    {
        using var cancellation = new CancellationTokenSource();
        var run = Escalation(() => false).RunAsync(Grace, cancellation.Token);
        await NextTick();

        await cancellation.CancelAsync();

        await run.Awaiting(r => r.WaitAsync(Patience)).Should().ThrowAsync<OperationCanceledException>();
        _signals.Should().Equal(Signals.SIGTERM);
    }

    /// <summary>The fake clock, telling when a timer is created on it.</summary>
    private sealed class ObservedTime(FakeTimeProvider inner) : TimeProvider
    {
        public SemaphoreSlim TimerCreated { get; } = new(0);

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override long GetTimestamp() => inner.GetTimestamp();

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = inner.CreateTimer(callback, state, dueTime, period);
            TimerCreated.Release();
            return timer;
        }
    }
}
