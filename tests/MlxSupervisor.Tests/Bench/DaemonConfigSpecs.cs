using System.Text.Json;
using FluentAssertions;
using MlxSupervisor.Bench.Subjects;
using Xunit;

namespace MlxSupervisor.Tests.Bench;

/// <summary>The settings file the bench gives the daemon: a single server, or a fleet (issue 13).</summary>
public sealed class DaemonConfigSpecs
{
    [Fact]
    public void A_single_server_has_its_server_and_health_url_at_the_top_and_no_fleet()
    {
        using var json = Parse(new DaemonConfig { Port = 18801, MaxConcurrentRequests = 16, GenerationEnabled = false });
        var supervisor = json.RootElement.GetProperty("Supervisor");

        supervisor.GetProperty("Server").GetProperty("Command").GetString().Should().Be("/bin/sim");
        supervisor.GetProperty("Health").GetProperty("Url").GetString().Should().Be("http://127.0.0.1:18801/health");
        supervisor.GetProperty("Health").GetProperty("Generation").GetProperty("Enabled").GetBoolean().Should().BeFalse();
        supervisor.GetProperty("Proxy").GetProperty("MaxConcurrentRequests").GetInt32().Should().Be(16);
        supervisor.TryGetProperty("Servers", out _).Should().BeFalse();
        supervisor.TryGetProperty("Fleet", out _).Should().BeFalse();
    }

    [Fact]
    public void A_fleet_has_one_entry_per_server_with_its_own_model_port_and_health_url_and_no_top_level_server()
    {
        var a = new FleetServer("a", "model-a", 18811) { Start = "OnDemand", IdleTimeout = TimeSpan.FromSeconds(1), MemoryEstimate = "200MB", ExtraSimArguments = ["--load-ms", "300"] };
        var b = new FleetServer("b", "model-b", 18812);
        using var json = Parse(new DaemonConfig { Port = 18811, Servers = [a, b], MemoryBudget = "250MB", MinResidency = TimeSpan.FromMilliseconds(1) });
        var supervisor = json.RootElement.GetProperty("Supervisor");

        supervisor.TryGetProperty("Server", out _).Should().BeFalse("a top-level Server beside Servers is refused");
        supervisor.GetProperty("Health").TryGetProperty("Url", out _).Should().BeFalse("each server has its own");
        var entry = supervisor.GetProperty("Servers").GetProperty("a");
        entry.GetProperty("Models").EnumerateArray().Select(m => m.GetString()).Should().Equal("model-a");
        entry.GetProperty("Server").GetProperty("Arguments").EnumerateArray().Select(x => x.GetString()).Should()
            .Equal("--host", "127.0.0.1", "--port", "18811", "--model", "model-a", "--load-ms", "300");
        entry.GetProperty("Health").GetProperty("Url").GetString().Should().Be("http://127.0.0.1:18811/health");
        entry.GetProperty("Start").GetString().Should().Be("OnDemand");
        entry.GetProperty("IdleTimeout").GetString().Should().Be("00:00:01");
        entry.GetProperty("MemoryEstimate").GetString().Should().Be("200MB");
        supervisor.GetProperty("Servers").GetProperty("b").TryGetProperty("IdleTimeout", out _).Should().BeFalse("a null is left out, for the shipped default");
        supervisor.GetProperty("Fleet").GetProperty("MemoryBudget").GetString().Should().Be("250MB");
        supervisor.GetProperty("Fleet").GetProperty("MinResidency").GetString().Should().Be("00:00:00.0010000");
    }

    [Fact]
    public void A_state_directory_is_written_only_when_given()
    {
        using var given = Parse(new DaemonConfig { Port = 1, StateDirectory = "/tmp/run/state" });
        using var none = Parse(new DaemonConfig { Port = 1 });

        given.RootElement.GetProperty("Supervisor").GetProperty("State").GetProperty("Directory").GetString().Should().Be("/tmp/run/state");
        none.RootElement.GetProperty("Supervisor").TryGetProperty("State", out _).Should().BeFalse();
    }

    private static JsonDocument Parse(DaemonConfig config) => JsonDocument.Parse(config.ToJson("/bin/sim"));
}
