using System.Diagnostics.Metrics;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Supervision;
using Xunit;

namespace MlxSupervisor.Tests.FrontDoor;

public sealed class FrontDoorStatisticsSpecs
{
    [Fact]
    public void Rejections_retries_and_stalls_are_counted_in_the_snapshot_and_on_the_MlxSupervisor_FrontDoor_meter()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var measured = new List<(string Instrument, long Value, string? Reason)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Meter.Name == FrontDoorStatistics.MeterName)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measured.Add((instrument.Name, value, tags.ToArray().FirstOrDefault(t => t.Key == "reason").Value as string)));
        listener.Start();
        using var stats = new FrontDoorStatistics(new FakeTimeProvider(), meters);

        stats.Rejected(Rejection.QueueFull);
        stats.Rejected(Rejection.CircuitOpen);
        stats.Retried();
        stats.Stalled();

        measured.Should().BeEquivalentTo(new[]
        {
            ("mlxsup.frontdoor.rejected", 1L, (string?)"queue_full"),
            ("mlxsup.frontdoor.rejected", 1L, "circuit_open"),
            ("mlxsup.frontdoor.retried", 1L, null),
            ("mlxsup.frontdoor.stalls", 1L, null),
        });
        var snapshot = stats.Snapshot();
        snapshot.Rejected[Rejection.QueueFull].Should().Be(1);
        snapshot.Rejected[Rejection.CircuitOpen].Should().Be(1);
        snapshot.Rejected[Rejection.QueueTimeout].Should().Be(0);
        (snapshot.Retried, snapshot.Stalls).Should().Be((1, 1));
    }

    [Fact]
    public void The_supervisor_sees_requests_in_flight_and_the_time_of_the_last_byte()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        using var stats = new FrontDoorStatistics(time);
        stats.Current.Should().Be(new ServerActivitySnapshot(0, null));

        stats.ForwardStarted();
        time.Advance(TimeSpan.FromSeconds(3));
        stats.ServerSentBytes();

        stats.Current.Should().Be(new ServerActivitySnapshot(1, time.GetUtcNow()));
    }
}
