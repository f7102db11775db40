using FluentAssertions;
using Microsoft.Extensions.Time.Testing;
using MlxSupervisor.Ledger;
using Xunit;
using static MlxSupervisor.Tests.Ledger.FleetOf;

namespace MlxSupervisor.Tests.Ledger;

/// <summary>
/// The ledger's decision about starting a server, on plain data (issue 13, "The memory ledger"). Servers run since
/// long before MinResidency unless a spec says otherwise. The synchronous specs carry no Timeout: xunit 2 enforces
/// one only on async tests.
/// </summary>
public sealed class RoomPolicySpecs
{
    private static readonly TimeSpan MinResidency = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private DateTimeOffset Now => _time.GetUtcNow();

    private DateTimeOffset Ago(int seconds) => Now - TimeSpan.FromSeconds(seconds);

    private RoomDecision Decide(long? budgetGb, string candidate, params LedgerEntry[] fleet) =>
        RoomPolicy.Decide(budgetGb * GB, fleet, candidate, Now, MinResidency);

    [Fact]
    public void Without_a_budget_every_start_fits()
    {
        var decision = Decide(null, "chat", AtBoot("coder", 500), OnDemand("embed", 300, inFlight: 3), Candidate("chat", 400));

        decision.Should().BeOfType<RoomDecision.Fits>();
    }

    [Fact]
    public void A_server_fits_when_the_budget_less_every_other_servers_footprint_covers_its_estimate_exactly()
    {
        var decision = Decide(24, "chat", AtBoot("coder", 20), Candidate("chat", 4));

        decision.Should().BeOfType<RoomDecision.Fits>();
    }

    [Fact]
    public void A_server_one_byte_larger_than_the_room_does_not_fit()
    {
        var chat = Candidate("chat", 4) with { EstimateBytes = 4 * GB + 1 };

        var decision = Decide(24, "chat", AtBoot("coder", 20), chat);

        decision.Should().NotBeOfType<RoomDecision.Fits>();
    }

    [Theory]
    [InlineData(LedgerState.Running)]
    [InlineData(LedgerState.Starting)]
    public void A_server_that_already_runs_or_starts_fits_with_nothing_to_do(LedgerState state)
    {
        var decision = Decide(10, "chat", AtBoot("coder", 10), OnDemand("chat", 4, state));

        decision.Should().BeOfType<RoomDecision.Fits>("it holds its room already, and nothing must be stopped for it");
    }

    [Fact]
    public void A_stopped_server_holds_no_room_whatever_it_measured_last()
    {
        var stopped = OnDemand("embed", 8) with { State = LedgerState.Stopped };

        var decision = Decide(8, "chat", stopped, Candidate("chat", 4));

        decision.Should().BeOfType<RoomDecision.Fits>();
    }

    [Fact]
    public void A_loading_server_keeps_its_whole_estimate_reserved_while_it_measures_less()
    {
        var loading = OnDemand("embed", 8, LedgerState.Starting) with { MeasuredBytes = 1 * GB };

        var decision = Decide(10, "chat", loading, Candidate("chat", 4));

        decision.Should().BeOfType<RoomDecision.Wait>().Which.Reason.Should().Contain("embed to finish starting");
    }

    [Fact]
    public void Idle_OnDemand_servers_are_stopped_least_recently_used_first_and_only_as_many_as_needed()
    {
        var decision = Decide(12, "big",
            OnDemand("a", 4, lastRequest: Ago(100)), OnDemand("b", 4, lastRequest: Ago(300)), OnDemand("c", 4, lastRequest: Ago(200)),
            Candidate("big", 8));

        decision.Should().BeOfType<RoomDecision.Evict>().Which.Victims.Should().Equal("b", "c");
    }

    [Fact]
    public void A_server_never_asked_is_the_least_recently_used()
    {
        var decision = Decide(8, "chat", OnDemand("asked", 4, lastRequest: Ago(3600)), OnDemand("never", 4), Candidate("chat", 4));

        decision.Should().BeOfType<RoomDecision.Evict>().Which.Victims.Should().Equal("never");
    }

    [Fact]
    public void Of_servers_last_asked_at_the_same_moment_the_one_started_first_is_stopped_first()
    {
        var decision = Decide(8, "chat",
            OnDemand("later", 4, started: Ago(100), lastRequest: Ago(50)), OnDemand("earlier", 4, started: Ago(200), lastRequest: Ago(50)),
            Candidate("chat", 4));

        decision.Should().BeOfType<RoomDecision.Evict>().Which.Victims.Should().Equal("earlier");
    }

    [Fact]
    public void A_server_with_requests_in_flight_is_never_stopped_for_room_even_when_least_recently_used()
    {
        var decision = Decide(8, "chat", OnDemand("busy", 4, inFlight: 1), OnDemand("idle", 4, lastRequest: Ago(5)), Candidate("chat", 4));

        decision.Should().BeOfType<RoomDecision.Evict>().Which.Victims.Should().Equal("idle");
    }

    [Fact]
    public void An_AtBoot_server_is_never_stopped_for_room_even_when_idle_and_least_recently_used()
    {
        var decision = Decide(12, "big", AtBoot("coder", 4), OnDemand("chat", 4, lastRequest: Ago(5)), OnDemand("embed", 4, lastRequest: Ago(9)),
            Candidate("big", 8));

        decision.Should().BeOfType<RoomDecision.Evict>().Which.Victims.Should().Equal("embed", "chat");
    }

    [Fact]
    public void A_start_that_only_a_drain_can_make_room_for_waits_with_no_time_to_look_again()
    {
        var decision = Decide(10, "chat", AtBoot("coder", 2), OnDemand("embed", 8, inFlight: 2), Candidate("chat", 4));

        var wait = decision.Should().BeOfType<RoomDecision.Wait>().Subject;
        wait.Until.Should().BeNull("only the drain, which the caller sees happen, can make room");
        wait.Reason.Should().Be("chat needs 4 GB and 0 B of the 10 GB budget is free; waiting for: embed to finish 2 requests in flight");
    }

    [Fact]
    public void A_young_idle_server_is_not_stopped_for_room_and_the_wait_ends_when_its_MinResidency_does()
    {
        LedgerEntry[] fleet = [OnDemand("young", 8, started: Ago(10)), Candidate("chat", 4)];
        var residencyEnds = Now + TimeSpan.FromSeconds(20);

        var first = RoomPolicy.Decide(8 * GB, fleet, "chat", Now, MinResidency);
        _time.Advance(TimeSpan.FromSeconds(20) - TimeSpan.FromTicks(1));
        var justBefore = RoomPolicy.Decide(8 * GB, fleet, "chat", Now, MinResidency);
        _time.Advance(TimeSpan.FromTicks(1));
        var then = RoomPolicy.Decide(8 * GB, fleet, "chat", Now, MinResidency);

        first.Should().BeOfType<RoomDecision.Wait>().Which.Until.Should().Be(residencyEnds, "it started 10 s into a MinResidency of 30 s");
        justBefore.Should().BeOfType<RoomDecision.Wait>();
        then.Should().BeOfType<RoomDecision.Evict>().Which.Victims.Should().Equal("young");
    }

    [Fact]
    public void The_wait_names_the_earliest_moment_a_MinResidency_ends()
    {
        var decision = Decide(8, "big", OnDemand("newest", 4, started: Ago(5)), OnDemand("older", 4, started: Ago(20)), Candidate("big", 8));

        decision.Should().BeOfType<RoomDecision.Wait>().Which.Until.Should().Be(Now + TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_server_already_stopping_is_waited_for_and_its_room_fits_once_it_is_gone()
    {
        var stopping = OnDemand("embed", 8, LedgerState.Stopping);

        var meanwhile = Decide(8, "chat", stopping, Candidate("chat", 4));
        var afterwards = Decide(8, "chat", stopping with { State = LedgerState.Stopped }, Candidate("chat", 4));

        var wait = meanwhile.Should().BeOfType<RoomDecision.Wait>().Subject;
        wait.Until.Should().BeNull();
        wait.Reason.Should().EndWith("waiting for: embed to stop");
        afterwards.Should().BeOfType<RoomDecision.Fits>();
    }

    [Fact]
    public void Victims_are_stopped_while_a_stopping_server_goes_and_the_stopping_one_is_not_chosen_again()
    {
        var decision = Decide(8, "big", OnDemand("going", 4, LedgerState.Stopping), OnDemand("idle", 4), Candidate("big", 8));

        decision.Should().BeOfType<RoomDecision.Evict>().Which.Victims.Should().Equal("idle");
    }

    [Fact]
    public void A_server_whose_previous_process_is_still_stopping_waits_for_it_to_go()
    {
        var decision = Decide(100, "chat", OnDemand("chat", 4, LedgerState.Stopping));

        decision.Should().BeOfType<RoomDecision.Wait>().Which.Reason.Should().Be("chat is still stopping");
    }

    [Fact]
    public void There_is_no_room_when_the_AtBoot_servers_leave_too_little_even_with_every_OnDemand_server_stopped()
    {
        var decision = Decide(100, "chat", AtBoot("coder", 98), OnDemand("embed", 1), Candidate("chat", 4));

        var none = decision.Should().BeOfType<RoomDecision.NoRoom>().Subject;
        none.Message.Should().Be("chat needs 4 GB; the budget is 100 GB, of which AtBoot servers hold 98 GB (coder 98 GB)");
        (none.Needed, none.Budget, none.HeldByAtBoot).Should().Be((4 * GB, 100 * GB, 98 * GB));
    }

    [Fact]
    public void A_server_larger_than_the_whole_budget_never_has_room()
    {
        var decision = Decide(16, "coder", Candidate("coder", 20, StartPolicy.AtBoot));

        decision.Should().BeOfType<RoomDecision.NoRoom>().Which.Message.Should().Be("coder needs 20 GB, more than the whole budget of 16 GB");
    }

    [Fact]
    public void Footprints_too_large_to_add_up_never_wrap_around_into_room()
    {
        LedgerEntry Huge(string name) => new(name, StartPolicy.AtBoot, LedgerState.Running, long.MaxValue, long.MaxValue, 0, Ago(3600), null);

        var decision = RoomPolicy.Decide(long.MaxValue, [Huge("a"), Huge("b"), Candidate("chat", 4)], "chat", Now, MinResidency);

        decision.Should().BeOfType<RoomDecision.NoRoom>().Which.HeldByAtBoot.Should().Be(long.MaxValue);
    }

    [Fact]
    public void Asking_about_a_server_the_fleet_does_not_have_is_refused_with_its_name()
    {
        var ask = () => Decide(8, "ghost", Candidate("chat", 4));

        ask.Should().Throw<ArgumentException>().WithMessage("'ghost' is not a server of the fleet*");
    }
}
