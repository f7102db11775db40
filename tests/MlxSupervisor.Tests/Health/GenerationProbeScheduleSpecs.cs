using FluentAssertions;
using MlxSupervisor.Health;
using Xunit;

namespace MlxSupervisor.Tests.Health;

public sealed class GenerationProbeScheduleSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    [Fact]
    public void An_idle_server_is_probed_once_it_has_been_quiet_for_the_interval()
    {
        GenerationProbeSchedule.NextCheck(T0 + Interval, T0, inFlight: 0, Interval).Should().BeNull("due now, and nobody is being served");
    }

    [Fact]
    public void Before_the_interval_has_passed_the_next_look_is_when_it_will_have()
    {
        GenerationProbeSchedule.NextCheck(T0 + TimeSpan.FromMinutes(2), T0, inFlight: 0, Interval).Should().Be(T0 + Interval);
    }

    [Fact]
    public void A_server_with_requests_in_flight_is_not_probed_even_when_it_is_due()
    {
        var now = T0 + TimeSpan.FromMinutes(7);
        GenerationProbeSchedule.NextCheck(now, T0, inFlight: 2, Interval).Should().Be(now + Interval, "the stall watchdog judges a server with clients");
    }

    [Fact]
    public void The_last_proof_of_life_is_the_latest_of_running_a_passed_probe_and_a_byte_to_a_client()
    {
        GenerationProbeSchedule.LastProofOfLife(T0, null, null).Should().Be(T0);
        GenerationProbeSchedule.LastProofOfLife(T0, T0.AddMinutes(5), T0.AddMinutes(7)).Should().Be(T0.AddMinutes(7));
        GenerationProbeSchedule.LastProofOfLife(T0, T0.AddMinutes(9), T0.AddMinutes(7)).Should().Be(T0.AddMinutes(9));
        GenerationProbeSchedule.LastProofOfLife(T0.AddMinutes(10), T0.AddMinutes(9), T0.AddMinutes(7)).Should().Be(T0.AddMinutes(10),
            "a byte to a client of the previous life proves nothing of this one");
    }
}
