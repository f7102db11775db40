using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Fleet;

/// <summary>The daemon itself with a fleet in its settings file: wiring, and the refusals, from outside.</summary>
public sealed class FleetDaemonSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Config(int coder, int chat, int listen, string extra = "") => _dir.File("fleet.json", $$"""
        { "Supervisor": {
            "Health": { "Interval": "00:00:00.250", "Timeout": "00:00:00.200", "StartupProbeInterval": "00:00:00.020", "StartupTimeout": "00:00:20" },
            "Proxy": { "Listen": "http://127.0.0.1:{{listen}}" },
            "Servers": {
              "coder": { "Models": ["qwen2.5-coder:32b"],
                         "Server": { "Command": "{{Repo.SimServer}}", "Arguments": ["--port", "{{coder}}"] },
                         "Health": { "Url": "http://127.0.0.1:{{coder}}/health" } },
              "chat":  { "Models": ["phi3.5:3.8b"{{extra}}], "Start": "OnDemand",
                         "Server": { "Command": "{{Repo.SimServer}}", "Arguments": ["--port", "{{chat}}"] },
                         "Health": { "Url": "http://127.0.0.1:{{chat}}/health" } }
            },
            "Fleet": { "DefaultServer": "coder" }
        } }
        """);

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_daemon_runs_a_fleet_from_its_settings_file_and_starts_an_OnDemand_server_for_its_first_request()
    {
        var (coder, chat, listen) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        await using var daemon = new DaemonProcess(["--config", Config(coder, chat, listen)]);
        await daemon.WaitForLine("healthy after");
        using var client = RealFrontDoor.NewClient(new Uri($"http://127.0.0.1:{listen.ToString(CultureInfo.InvariantCulture)}"));

        var models = await client.GetFromJsonAsync<JsonObject>("/v1/models");
        using var answer = await client.PostAsJsonAsync("/v1/chat/completions",
            new { model = "phi3.5:3.8b", messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 2 });

        models!["data"]!.AsArray().Select(m => m!["status"]!.GetValue<string>()).Should().BeEquivalentTo(["running", "stopped"]);
        ((int)answer.StatusCode).Should().Be(200, await answer.Content.ReadAsStringAsync());
        (await client.GetFromJsonAsync<JsonObject>("/v1/models"))!["data"]!.AsArray()
            .Single(m => m!["owned_by"]!.GetValue<string>() == "chat")!["status"]!.GetValue<string>().Should().Be("running");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_fleet_that_lists_a_model_twice_is_refused_with_exit_78_and_a_line_naming_both_keys()
    {
        var (coder, chat, listen) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        await using var daemon = new DaemonProcess(["--config", Config(coder, chat, listen, extra: ", \"qwen2.5-coder:32b\"")]);

        (await daemon.WaitForExit(TimeSpan.FromSeconds(20))).Should().Be(78, daemon.Dump());
        daemon.Stderr.Should().Contain(
            "mlx-supervisor: invalid settings: Supervisor:Servers:coder:Models 'qwen2.5-coder:32b' is also listed under Supervisor:Servers:chat:Models: a model is served by one server.");
    }

    public void Dispose() => _dir.Dispose();
}
