using System.Net;
using FluentAssertions;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Status;

/// <summary>POST /restart, /stop and /start need the bearer token.</summary>
public sealed class ControlEndpointSpecs
{
    [Theory(Timeout = Timeouts.ProcessTestMs)]
    [InlineData("/restart")]
    [InlineData("/stop")]
    [InlineData("/start")]
    public async Task A_control_request_without_the_token_or_with_a_wrong_one_gets_401_and_changes_nothing(string path)
    {
        await using var s = new StatusHarness([]);
        await s.StartAsync();
        var running = await s.Supervisor.WaitFor(x => x.State == SupervisorState.Running);

        using var missing = await s.PostAsync(path, bearer: null);
        using var wrong = await s.PostAsync(path, bearer: "not-the-token");

        missing.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        wrong.Headers.WwwAuthenticate.Should().ContainSingle(h => h.Scheme == "Bearer");
        var now = s.Supervisor.Supervisor.Status.Current;
        now.Pid.Should().Be(running.Pid);
        now.State.Should().Be(SupervisorState.Running);
        s.Supervisor.Logs.Should().Match<CapturingLoggerProvider>(l => l.Contains("missing or wrong bearer token"));
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Without_a_configured_token_every_control_request_gets_401()
    {
        await using var s = new StatusHarness([], token: null);
        await s.StartAsync();
        await s.Supervisor.WaitFor(x => x.State == SupervisorState.Running);

        using var response = await s.PostAsync("/restart", bearer: "");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Status:Token");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_restart_with_the_token_stops_the_server_gracefully_and_starts_a_new_one_counted_as_operator()
    {
        await using var s = new StatusHarness([]);
        await s.StartAsync();
        var first = (await s.Supervisor.WaitFor(x => x.State == SupervisorState.Running)).Pid;

        using var response = await s.PostAsync("/restart", StatusHarness.Token);
        await s.Supervisor.WaitFor(x => x.State == SupervisorState.Running && x.Pid is { } pid && pid != first);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        s.Supervisor.Events.Should().Contain(e => e.Kind == "stopped" && e.Message.Contains($"pid={first} stopped by SIGTERM"));
        (await s.MetricsAsync()).Value("mlx_supervisor_restarts_total", ("reason", "operator")).Should().Be(1);
        (await s.StatusAsync()).ConsecutiveFailures.Should().Be(0, "an operator's restart is not a failure");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Stop_holds_the_server_down_until_start()
    {
        await using var s = new StatusHarness([]);
        await s.StartAsync();
        await s.Supervisor.WaitFor(x => x.State == SupervisorState.Running);

        using var stop = await s.PostAsync("/stop", StatusHarness.Token);
        var stopped = await s.Supervisor.WaitFor(x => x.State == SupervisorState.Stopped);
        using var start = await s.PostAsync("/start", StatusHarness.Token);
        var running = await s.Supervisor.WaitFor(x => x.State == SupervisorState.Running);

        stop.StatusCode.Should().Be(HttpStatusCode.Accepted);
        start.StatusCode.Should().Be(HttpStatusCode.Accepted);
        stopped.Pid.Should().BeNull();
        running.Pid.Should().NotBeNull();
    }
}
