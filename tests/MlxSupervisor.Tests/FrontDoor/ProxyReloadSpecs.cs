using FluentAssertions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MlxSupervisor.Configuration;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Supervision;
using Xunit;

namespace MlxSupervisor.Tests.FrontDoor;

/// <summary>Reloaded Proxy limits apply at once, on fake time.</summary>
public sealed class ProxyReloadSpecs : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly FrontDoorStatistics _stats;
    private ProxyOptions _proxy = new() { MaxConcurrentRequests = 1, QueueLimit = 0 };

    public ProxyReloadSpecs() => _stats = new FrontDoorStatistics(_time);

    public void Dispose() => _stats.Dispose();

    [Fact]
    public void A_reloaded_MaxConcurrentRequests_admits_more_requests_at_once()
    {
        var status = new SupervisorStatus(_time.GetUtcNow());
        status.Update(s => s with { State = SupervisorState.Running });
        using var limiter = new AdmissionLimiter(() => _proxy, status, _stats, _time, CancellationToken.None);
        using var first = limiter.AttemptAcquire(new DefaultHttpContext());
        using var refused = limiter.AttemptAcquire(new DefaultHttpContext());
        first.IsAcquired.Should().BeTrue();
        refused.IsAcquired.Should().BeFalse("one request at a time");

        _proxy = new ProxyOptions { MaxConcurrentRequests = 2, QueueLimit = 0 };
        using var second = limiter.AttemptAcquire(new DefaultHttpContext());

        second.IsAcquired.Should().BeTrue("the new limit applies to the next request, without a restart");
    }

    [Fact]
    public void A_reloaded_StallTimeout_applies_at_the_next_check()
    {
        var restarts = new List<string>();
        using var watchdog = new StallWatchdog(_stats, () => _proxy.StallTimeout, restarts.Add, _time, NullLogger.Instance);
        _stats.ForwardStarted();
        _stats.ServerSentBytes();

        _proxy = new ProxyOptions { StallTimeout = TimeSpan.FromSeconds(10) };
        _time.Advance(TimeSpan.FromSeconds(11));

        restarts.Should().ContainSingle().Which.Should().Contain("(Proxy:StallTimeout 10 s)");
    }
}
