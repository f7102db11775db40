using System.Net;
using System.Text.Json;
using FluentAssertions;
using MlxSupervisor.Fleet;
using MlxSupervisor.Process;
using MlxSupervisor.Status;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Status;

/// <summary>GET /status and GET / on a real supervisor of the simulated server.</summary>
public sealed class StatusEndpointSpecs
{
    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_status_JSON_names_every_field_an_operator_asks_about()
    {
        await using var s = new StatusHarness([]);
        await s.StartAsync();
        await s.Supervisor.WaitFor(x => x.State == SupervisorState.Running);

        using var json = JsonDocument.Parse(await s.Http.GetStringAsync("/status"));

        var root = json.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(
            "server", "state", "reason", "pid", "adopted", "since", "uptime", "serverStartedAt", "memoryBytes", "restarts", "consecutiveFailures",
            "circuit", "nextRestartAt", "health", "lastExit", "now", "version", "events", "timeline", "servers");
        root.GetProperty("circuit").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("state", "reopensAt");
        root.GetProperty("health").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("lastOkAt", "strikes", "lastError", "lastErrorAt", "lastErrorDuringStartup", "lastTokenAt");
        root.GetProperty("state").GetString().Should().Be("Running");
        root.GetProperty("pid").GetInt32().Should().Be(s.Supervisor.Supervisor.Status.Current.Pid);
        root.GetProperty("uptime").GetDouble().Should().BeGreaterThanOrEqualTo(0);
        root.GetProperty("memoryBytes").GetInt64().Should().BeGreaterThan(1 << 20, "the simulated server is a .NET process of some megabytes");
        root.GetProperty("events")[0].EnumerateObject().Select(p => p.Name).Should().Equal("at", "kind", "message");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task After_a_server_is_killed_the_status_shows_the_exit_the_restart_and_the_new_pid()
    {
        await using var s = new StatusHarness([]);
        await s.StartAsync();
        var first = (await s.Supervisor.WaitFor(x => x.State == SupervisorState.Running)).Pid!.Value;
        var before = await s.StatusAsync();

        NativeMethods.Kill(first, Signals.SIGKILL);
        await s.Supervisor.WaitFor(x => x.State == SupervisorState.Running && x.Pid is { } pid && pid != first);
        var after = await s.StatusAsync();

        before.Restarts.Should().Be(0);
        before.LastExit.Should().BeNull();
        after.State.Should().Be("Running");
        after.Pid.Should().NotBe(first);
        after.LastExit!.Signal.Should().Be("SIGKILL");
        after.LastExit.Reason.Should().Contain("exited");
        after.Events.Should().Contain(e => e.Kind == "exited" && e.Message.Contains($"pid={first}"));
        after.Timeline.Where(e => e.Kind == "started").Should().HaveCountGreaterThanOrEqualTo(2);
        after.Circuit.State.Should().Be("Closed");
        after.Restarts.Should().BeGreaterThanOrEqualTo(1, "the restart counts as it happens, not once the new server has proved itself");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task While_the_circuit_is_open_the_status_says_when_the_next_trial_is()
    {
        await using var s = new StatusHarness(["--crash-after-ms", "0"], o =>
        {
            o.Restart.InitialDelay = TimeSpan.FromMilliseconds(20);
            o.Restart.MaxDelay = TimeSpan.FromMilliseconds(100);
            o.CircuitBreaker.FailureThreshold = 2;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
        });
        await s.StartAsync();
        await s.Supervisor.WaitFor(x => x.State == SupervisorState.CircuitOpen);

        var status = await s.StatusAsync();

        status.State.Should().Be("CircuitOpen");
        status.Circuit.State.Should().Be("Open");
        status.Circuit.ReopensAt.Should().BeAfter(status.Now);
        status.NextRestartAt.Should().NotBeNull();
        status.Pid.Should().BeNull();
        status.Uptime.Should().BeNull();
        status.Timeline.Should().Contain(e => e.Kind == "circuit-open");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_status_carries_the_front_door_figures_only_when_a_front_door_is_registered()
    {
        await using var without = new StatusHarness([]);
        await using var with = new StatusHarness([], frontDoor: _ => new FixedFigures());
        await without.StartAsync();
        await with.StartAsync();

        using var plain = JsonDocument.Parse(await without.Http.GetStringAsync("/status"));
        using var fronted = JsonDocument.Parse(await with.Http.GetStringAsync("/status"));

        plain.RootElement.TryGetProperty("frontDoor", out _).Should().BeFalse();
        fronted.RootElement.GetProperty("frontDoor").GetProperty("inFlight").GetInt32().Should().Be(2);
        fronted.RootElement.GetProperty("frontDoor").GetProperty("queued").GetInt32().Should().Be(5);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_page_is_one_self_contained_HTML_document()
    {
        await using var s = new StatusHarness([]);
        await s.StartAsync();

        using var response = await s.Http.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        html.Should().StartWith("<!doctype html>");
        html.Should().NotContainAny("<script src", "<link ", "@import", "url(", "https://", "src=\"http");
    }

    private sealed class FixedFigures : IFrontDoorFigures
    {
        public FrontDoorDocument Of(ServerUnit unit) => new(2, 5, 0, 0, 0, 0, new Dictionary<string, long>(), 0, 0, 0, 0, null);
    }
}
