using FluentAssertions;
using MlxSupervisor.Ledger;
using Xunit;
using static MlxSupervisor.Tests.Ledger.FleetOf;

namespace MlxSupervisor.Tests.Ledger;

/// <summary>How much of the budget a server holds in each state (issue 13, "The memory ledger").</summary>
public sealed class FootprintSpecs
{
    private static LedgerEntry Server(LedgerState state, long? measured, long estimate) =>
        new("chat", StartPolicy.OnDemand, state, measured, estimate, 0, null, null);

    [Fact]
    public void A_stopped_server_holds_nothing_whatever_was_measured_last()
    {
        Footprint.Of(Server(LedgerState.Stopped, measured: 3 * GB, estimate: 4 * GB)).Should().Be(0);
    }

    [Fact]
    public void A_loading_server_holds_its_estimate_while_the_measurement_is_smaller()
    {
        Footprint.Of(Server(LedgerState.Starting, measured: 1 * GB, estimate: 4 * GB)).Should().Be(4 * GB);
    }

    [Fact]
    public void A_loading_server_holds_what_was_measured_once_that_exceeds_its_estimate()
    {
        Footprint.Of(Server(LedgerState.Starting, measured: 5 * GB, estimate: 4 * GB)).Should().Be(5 * GB);
    }

    [Fact]
    public void A_loading_server_not_yet_measured_holds_its_estimate()
    {
        Footprint.Of(Server(LedgerState.Starting, measured: null, estimate: 4 * GB)).Should().Be(4 * GB);
    }

    [Fact]
    public void A_running_server_holds_what_was_measured_even_below_its_estimate()
    {
        Footprint.Of(Server(LedgerState.Running, measured: 3 * GB, estimate: 4 * GB)).Should().Be(3 * GB);
    }

    [Fact]
    public void A_running_server_not_yet_measured_holds_its_estimate()
    {
        Footprint.Of(Server(LedgerState.Running, measured: null, estimate: 4 * GB)).Should().Be(4 * GB);
    }

    [Fact]
    public void A_stopping_server_still_holds_what_it_held_running_until_its_processes_are_gone()
    {
        Footprint.Of(Server(LedgerState.Stopping, measured: 3 * GB, estimate: 4 * GB)).Should().Be(3 * GB);
        Footprint.Of(Server(LedgerState.Stopping, measured: null, estimate: 4 * GB)).Should().Be(4 * GB);
    }
}
