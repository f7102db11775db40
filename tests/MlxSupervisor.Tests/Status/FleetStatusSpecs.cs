using System.Net;
using System.Text.Json;
using FluentAssertions;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Status;

/// <summary>GET /status and the control requests over a fleet of two real simulated servers (issue 13, "Seeing and steering it").</summary>
public sealed class FleetStatusSpecs
{
    private static async Task<(int A, int B)> BothRunning(FleetHarness f)
    {
        var a = await f["a"].WaitFor(x => x.State == SupervisorState.Running);
        var b = await f["b"].WaitFor(x => x.State == SupervisorState.Running);
        return (a.Pid!.Value, b.Pid!.Value);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_status_lists_every_server_and_keeps_the_default_servers_fields_at_the_top()
    {
        await using var f = new FleetHarness(["a", "b"], fleet: o => o.DefaultServer = "b");
        await f.StartAsync();
        var (a, b) = await BothRunning(f);

        using var json = JsonDocument.Parse(await f.Http.GetStringAsync("/status"));

        var root = json.RootElement;
        root.GetProperty("server").GetString().Should().Be("b");
        root.GetProperty("pid").GetInt32().Should().Be(b, "the top-level fields are the default server's");
        var servers = root.GetProperty("servers").EnumerateArray().ToList();
        servers.Select(s => s.GetProperty("name").GetString()).Should().Equal("a", "b");
        servers[0].EnumerateObject().Select(p => p.Name).Should().Equal(
            "name", "models", "start", "state", "reason", "pid", "adopted", "since", "uptime", "serverStartedAt", "footprintBytes", "estimateBytes",
            "restarts", "consecutiveFailures", "circuit", "nextRestartAt", "stoppedFor", "health", "lastExit", "inFlight", "queued", "lastRequestAt",
            "frontDoor", "events", "timeline");
        servers[0].GetProperty("pid").GetInt32().Should().Be(a);
        servers[0].GetProperty("models").EnumerateArray().Select(m => m.GetString()).Should().Equal("a-model");
        servers[0].GetProperty("start").GetString().Should().Be("AtBoot");
        servers[0].GetProperty("state").GetString().Should().Be("Running");
        servers[0].GetProperty("footprintBytes").GetInt64().Should().BeGreaterThan(1 << 20, "each server's own process tree is measured");
        servers[1].GetProperty("footprintBytes").GetInt64().Should().BeGreaterThan(1 << 20);
        servers[0].GetProperty("stoppedFor").ValueKind.Should().Be(JsonValueKind.Null);
        servers[0].GetProperty("events").EnumerateArray().Should().Contain(e => e.GetProperty("message").GetString()!.Contains($"pid={a}"))
            .And.NotContain(e => e.GetProperty("message").GetString()!.Contains($"pid={b}"), "each server has its own events");
        root.GetProperty("ledger").EnumerateObject().Select(p => p.Name).Should().Equal("budgetBytes", "usedBytes", "reservedBytes");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_a_reload_adds_is_listed_at_the_next_request_and_one_it_removes_is_gone()
    {
        await using var f = new FleetHarness(["a", "b"]);
        await f.StartAsync();
        await BothRunning(f);

        var c = f.Add("c");
        var added = (await c.WaitFor(x => x.State == SupervisorState.Running)).Pid;
        var withC = await f.StatusAsync();
        await f.RemoveAsync("a");
        var withoutA = await f.StatusAsync();

        withC.Servers.Select(s => s.Name).Should().Equal("a", "b", "c");
        withC.Servers.Single(s => s.Name == "c").Pid.Should().Be(added);
        withoutA.Servers.Select(s => s.Name).Should().Equal("b", "c");
        withoutA.Server.Should().Be("b", "with no Fleet:DefaultServer the first server is the default");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_restart_that_names_a_server_restarts_that_one_and_leaves_the_other_alone()
    {
        await using var f = new FleetHarness(["a", "b"]);
        await f.StartAsync();
        var (a, b) = await BothRunning(f);

        using var response = await f.PostAsync("/restart?server=b");
        await f["b"].WaitFor(x => x.State == SupervisorState.Running && x.Pid is { } pid && pid != b);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("server").GetString().Should().Be("b");
        f["a"].Supervisor.Status.Current.Pid.Should().Be(a);
        f["a"].Supervisor.Status.Current.Restarts.Should().Be(0);
        (await f.MetricsAsync()).Value("mlx_supervisor_restarts_total", ("reason", "operator"), ("server", "b")).Should().Be(1);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_stop_without_a_server_acts_on_the_default_server()
    {
        await using var f = new FleetHarness(["a", "b"], fleet: o => o.DefaultServer = "b");
        await f.StartAsync();
        var (a, _) = await BothRunning(f);

        using var response = await f.PostAsync("/stop");
        var stopped = await f["b"].WaitFor(x => x.State == SupervisorState.Stopped);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        stopped.StoppedFor!.Kind.Should().Be(StopKind.Operator);
        f["a"].Supervisor.Status.Current.Pid.Should().Be(a);
        (await f.StatusAsync()).Servers.Single(s => s.Name == "b").StoppedFor.Should().Be(
            new MlxSupervisor.Status.StoppedForDocument("Operator", "operator stop via the status endpoint", StartsOnDemand: false));
    }

    [Theory(Timeout = Timeouts.ProcessTestMs)]
    [InlineData("/restart?server=nosuch", "no server named 'nosuch': the servers are a, b")]
    [InlineData("/stop?server=", "no server named '': the servers are a, b")]
    public async Task A_control_request_for_a_server_the_fleet_does_not_have_is_404_naming_it_and_changes_nothing(string path, string error)
    {
        await using var f = new FleetHarness(["a", "b"]);
        await f.StartAsync();
        var (a, b) = await BothRunning(f);

        using var response = await f.PostAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("error").GetString().Should().Be(error);
        f["a"].Supervisor.Status.Current.Pid.Should().Be(a);
        f["b"].Supervisor.Status.Current.Pid.Should().Be(b);
        f["b"].Supervisor.Status.Current.State.Should().Be(SupervisorState.Running);
    }
}
