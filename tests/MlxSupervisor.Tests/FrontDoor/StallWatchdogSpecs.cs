using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MlxSupervisor.FrontDoor;
using Xunit;

namespace MlxSupervisor.Tests.FrontDoor;

/// <summary>The stall watchdog on fake time, with the default Proxy:StallTimeout of 2 min.</summary>
public sealed class StallWatchdogSpecs : IDisposable
{
    private static readonly TimeSpan StallTimeout = TimeSpan.FromMinutes(2);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly FrontDoorStatistics _stats;
    private readonly List<string> _restarts = [];
    private readonly StallWatchdog _watchdog;

    public StallWatchdogSpecs()
    {
        _stats = new FrontDoorStatistics(_time);
        _watchdog = new StallWatchdog(_stats, StallTimeout, _restarts.Add, _time, NullLogger.Instance);
    }

    public void Dispose()
    {
        _watchdog.Dispose();
        _stats.Dispose();
    }

    [Fact]
    public void Requests_in_flight_with_no_byte_for_the_stall_timeout_restart_the_server_once_with_the_reason()
    {
        _stats.ForwardStarted();
        _stats.ServerSentBytes();

        _time.Advance(StallTimeout - TimeSpan.FromSeconds(1));
        _restarts.Should().BeEmpty();
        _time.Advance(TimeSpan.FromSeconds(2));
        _restarts.Should().ContainSingle().Which.Should().StartWith("stalled: 1 requests in flight and no byte from the server for 12");
        _time.Advance(TimeSpan.FromMinutes(10));

        _restarts.Should().ContainSingle("one stall is one restart, however long the requests stay in flight");
        _stats.Snapshot().Stalls.Should().Be(1);
    }

    [Fact]
    public void A_server_that_keeps_sending_is_not_stalled()
    {
        _stats.ForwardStarted();
        for (var i = 0; i < 30; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(30));
            _stats.ServerSentBytes();
        }

        _restarts.Should().BeEmpty();
    }

    [Fact]
    public void A_quiet_server_with_nothing_in_flight_is_idle_not_stalled()
    {
        _stats.ForwardStarted();
        _stats.ServerSentBytes();
        _stats.ForwardEnded();

        _time.Advance(TimeSpan.FromHours(1));

        _restarts.Should().BeEmpty();
    }

    [Fact]
    public void A_request_forwarded_after_a_long_idle_gets_the_full_stall_timeout()
    {
        _stats.ForwardStarted();
        _stats.ServerSentBytes();
        _stats.ForwardEnded();
        _time.Advance(TimeSpan.FromHours(1));

        _stats.ForwardStarted();
        _time.Advance(StallTimeout - TimeSpan.FromSeconds(1));

        _restarts.Should().BeEmpty("handing a request to the server counts as progress");
    }

    [Fact]
    public void A_server_that_stalls_again_after_sending_more_is_restarted_again()
    {
        _stats.ForwardStarted();
        _time.Advance(StallTimeout + TimeSpan.FromSeconds(1));
        _stats.ServerSentBytes();

        _time.Advance(StallTimeout + TimeSpan.FromSeconds(1));

        _restarts.Should().HaveCount(2);
    }
}
