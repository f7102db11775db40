using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using MlxSupervisor.Configuration;
using MlxSupervisor.Ledger;
using MlxSupervisor.Memory;
using MlxSupervisor.Status;
using MlxSupervisor.Status.Cli;
using MlxSupervisor.Status.Metrics;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Status;

/// <summary>
/// What <c>mlx-supervisor status</c> prints, in words and units a person reads at a glance (issue 14, item 4), and a
/// row per server for a fleet (issue 13): rendered from the documents GET /status serves, on fake time.
/// </summary>
public sealed class StatusWordsSpecs
{
    private static readonly Uri Address = new("http://127.0.0.1:8090");

    private static string[] Lines(string table) => table.Split('\n');

    private static string Table(FakeFleet f, string? server = null)
    {
        var document = f.Status.Document();
        return StatusTable.Render(document.Servers.Single(s => s.Name == (server ?? document.Server)), document, Address);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task The_front_door_reads_in_words_and_units_with_one_line_per_cause_of_refusal_shown_only_when_it_happened()
    {
        await using var f = new FakeFleet([]);
        f.Only.Run();
        await f.Only.WaitFor(s => s.State == SupervisorState.Running);
        var requests = f.Activity(ServerSettings.DefaultName);
        FrontDoorTraffic.Busy(requests);
        requests.ServerSentBytes();
        f.Time.Advance(TimeSpan.FromSeconds(2));

        var table = Table(f);

        Lines(table).SkipWhile(l => !l.StartsWith("Front door", StringComparison.Ordinal)).TakeWhile(l => !l.StartsWith("Recent", StringComparison.Ordinal))
            .Should().Equal(
                "Front door  2 in flight, 1 queued, 1 waiting for the server",
                "            mean wait 1.3 s, longest 2.6 s (2 admitted)",
                "            last byte 2 s ago",
                "            3 refused: the queue was full",
                "            1 failed");
        table.Should().NotContainAny("inFlight", "waitingForServer", "meanQueueWaitSeconds", "lastByteAt", "queueTimeout", "timeout", "{", "\"");
        table.Should().NotMatchRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d", "no ISO timestamps");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_health_error_says_when_it_happened_and_is_no_longer_current_once_a_probe_has_passed_since()
    {
        await using var f = new FakeFleet([]);
        var h = f.Only;
        h.Probe.Failure = "connection refused";
        h.Run();
        await h.WaitFor(s => s.Health.LastError is not null);
        var failing = Table(f);

        h.Probe.Failure = null;
        h.Time.Advance(h.Options.Health.StartupProbeInterval);
        await h.WaitFor(s => s.State == SupervisorState.Running);
        h.Time.Advance(TimeSpan.FromMinutes(3));
        await h.WaitFor(s => s.Health.LastOkAt == h.Time.GetUtcNow());
        var healthy = Table(f);

        Lines(failing).Should().Contain("Health      never ok yet, strikes 0; failing now, last error 0 s ago, during startup: connection refused");
        Lines(healthy).Should().Contain("Health      last ok 0 s ago, strikes 0; last error 3 min ago, during startup: connection refused (probes have passed since)");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_fleet_is_one_row_per_server_and_a_line_saying_why_each_stopped_one_is_stopped()
    {
        await using var f = new FakeFleet(["chat", "coder"], configure: (name, o) => name == "chat"
            ? TestFleet.Settings(name, o, estimateBytes: 4L << 30, start: ServerStart.OnDemand)
            : TestFleet.Settings(name, o));
        f["chat"].Supervisor.HoldUntilStarted("not started yet: it starts on the first request for one of its models");
        f["coder"].Run();
        f["chat"].Run();
        await f["coder"].WaitFor(s => s.State == SupervisorState.Running);
        await f["chat"].WaitFor(s => s.StoppedFor is not null);
        f.Time.Advance(TimeSpan.FromSeconds(75));
        var document = f.Status.Document();

        var table = FleetTable.Render(document, Address);

        var lines = Lines(table);
        lines[0].Should().StartWith("mlx-supervisor ").And.EndWith("at http://127.0.0.1:8090: 2 servers, default chat");
        lines[1].Should().MatchRegex(@"^NAME +STATE +PID +UPTIME +MEMORY +RESTARTS +MODELS$");
        lines[2].Should().MatchRegex(@"^chat +Stopped +- +- +- +0 +chat-model$");
        lines[3].Should().MatchRegex(@"^coder +Running +2001 +1 min 15 s +- +0 +coder-model$");
        lines[4].Should().Be("chat: Stopped, not started yet: it starts on the first request for one of its models");
        document.Servers.Should().OnlyContain(s => s.IsAsExpected, "an OnDemand server waiting for its first request is where it should be");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task One_server_of_a_fleet_in_full_names_its_models_its_start_and_what_starts_it_again()
    {
        await using var f = new FakeFleet(["chat", "coder"], configure: (name, o) => name == "chat"
            ? TestFleet.Settings(name, o, estimateBytes: 4L << 30, start: ServerStart.OnDemand)
            : TestFleet.Settings(name, o));
        f["coder"].Run();
        f["chat"].Run();
        await f["chat"].WaitFor(s => s.State == SupervisorState.Running);
        f["chat"].Supervisor.RequestStop(new StopReason(StopKind.Idle, "idle for 10 min"));
        await f["chat"].WaitFor(s => s.State == SupervisorState.Stopped && s.Pid is null);
        f["coder"].Supervisor.RequestStop(ControlEndpoints.StopReason);
        await f["coder"].WaitFor(s => s.State == SupervisorState.Stopped && s.Pid is null);

        var chat = Lines(Table(f, "chat"));
        var coder = Lines(Table(f, "coder"));

        chat.Should().Contain("Name        chat, starts OnDemand, the default server; models chat-model")
            .And.Contain("Held        idle for 10 min; the next request for one of its models starts it")
            .And.Contain("Server      not running (memory estimate 4.0 GiB)");
        coder.Should().Contain("Name        coder, starts AtBoot; models coder-model")
            .And.Contain("Held        operator stop via the status endpoint; 'mlx-supervisor start coder' starts it");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task The_single_server_prints_todays_table_without_fleet_rows()
    {
        await using var f = new FakeFleet([]);
        f.Only.Run();
        await f.Only.WaitFor(s => s.State == SupervisorState.Running);

        var lines = Lines(Table(f));

        lines.Select(l => l.Split(' ')[0]).Where(l => l.Length > 0 && !l.StartsWith("mlx-", StringComparison.Ordinal))
            .Should().Equal("State", "Server", "Restarts", "Circuit", "Health", "Front", "Recent");
        lines.Should().Contain(l => l.StartsWith("Server      pid 1001, up 0 s", StringComparison.Ordinal));
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task The_ledger_counts_the_measured_footprints_of_live_servers_and_reserves_a_starting_ones_estimate_beyond_them()
    {
        var memory = new FixedMemory { [1001] = 3L << 30, [2001] = 1L << 30 };
        var top = new SupervisorOptions();
        top.Fleet.MemoryBudget = "16GB";
        using var state = new TempDirectory();
        var ledger = new MemoryLedger(memory, new PeakFootprintStore(state.Path, NullLogger.Instance), () => top);
        await using var f = new FakeFleet(["running", "starting", "stopped"], memory, (name, o) => TestFleet.Settings(name, o, estimateBytes: 4L << 30), ledger);
        f["starting"].Probe.Failure = "connection refused";
        f["stopped"].Supervisor.HoldUntilStarted("not started yet");
        foreach (var name in (string[])["running", "starting", "stopped"])
            f[name].Run();
        await f["running"].WaitFor(s => s.State == SupervisorState.Running);
        await f["starting"].WaitFor(s => s.State == SupervisorState.Starting && s.Pid == 2001);
        await f["stopped"].WaitFor(s => s.StoppedFor is not null);

        var figures = f.Status.Document().Ledger!;

        figures.BudgetBytes.Should().Be(16L << 30);
        figures.UsedBytes.Should().Be((3L << 30) + (1L << 30), "the running and the starting server's measurements");
        figures.ReservedBytes.Should().Be(3L << 30, "the starting server's 4 GiB estimate beyond the 1 GiB it measures yet");
    }

    /// <summary>Memory as the test says each made-up pid holds it.</summary>
    private sealed class FixedMemory : Dictionary<int, long>, IServerMemoryReader, IResidentMemoryReader
    {
        public ServerMemory? ReadServer(int serverPid) => TryGetValue(serverPid, out var bytes) ? new ServerMemory(bytes, 1) : null;

        public long? ReadAvailableSystemMemory() => null;

        public long? ResidentBytes(int processGroupId) => ReadServer(processGroupId)?.Bytes;
    }
}
