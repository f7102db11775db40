using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FluentAssertions;
using MlxSupervisor.Process;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Status;

/// <summary>The real daemon and its verbs, run from the apphost as an operator would.</summary>
public sealed class DaemonStatusSpecs : IDisposable
{
    private const string Token = "cli-token-91c3";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Config(int statusPort, string statusExtra = "", string listenHost = "127.0.0.1")
    {
        var port = FreePort.Next();
        return _dir.File($"settings-{statusPort}.json", $$"""
            {
              "Supervisor": {
                "Server": { "Command": "{{Repo.SimServer}}", "Arguments": ["--port", "{{port}}"] },
                "Health": { "Url": "http://127.0.0.1:{{port}}/health", "Interval": "00:00:00.5", "Timeout": "00:00:00.4", "StartupProbeInterval": "00:00:00.05" },
                "Restart": { "InitialDelay": "00:00:00.1", "MaxDelay": "00:00:00.5", "ResetAfter": "00:00:02" },
                "Shutdown": { "GracePeriod": "00:00:02" },
                "Proxy": { "Listen": "http://127.0.0.1:{{FreePort.Next()}}" }
              },
              "Status": { "Listen": "http://{{listenHost}}:{{statusPort}}" {{statusExtra}} }
            }
            """);
    }

    /// <summary>Settings of a fleet of two simulated servers, a and b, each on a port of its own.</summary>
    private string FleetConfig(int statusPort)
    {
        string Server(string name)
        {
            var port = FreePort.Next();
            return $$"""
                "{{name}}": {
                  "Models": ["{{name}}-model"],
                  "Server": { "Command": "{{Repo.SimServer}}", "Arguments": ["--port", "{{port}}"] },
                  "Health": { "Url": "http://127.0.0.1:{{port}}/health" }
                }
                """;
        }
        return _dir.File($"fleet-{statusPort}.json", $$"""
            {
              "Supervisor": {
                "Health": { "Interval": "00:00:00.5", "Timeout": "00:00:00.4", "StartupProbeInterval": "00:00:00.05" },
                "Restart": { "InitialDelay": "00:00:00.1", "MaxDelay": "00:00:00.5", "ResetAfter": "00:00:02" },
                "Shutdown": { "GracePeriod": "00:00:02" },
                "Proxy": { "Listen": "http://127.0.0.1:{{FreePort.Next()}}" },
                "Servers": { {{Server("a")}}, {{Server("b")}} }
              },
              "Status": { "Listen": "http://127.0.0.1:{{statusPort}}", "Token": "{{Token}}" }
            }
            """);
    }

    /// <summary>Each server's state and pid, as GET /status lists them; polled until <paramref name="until"/> holds, within a bound.</summary>
    private static async Task<Dictionary<string, (string State, int? Pid)>> ServersOf(int statusPort,
        Func<Dictionary<string, (string State, int? Pid)>, bool> until)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var deadline = DateTime.UtcNow + Timeouts.Wait;
        var seen = "nothing: /status never answered";
        while (true)
        {
            try
            {
                var text = await http.GetStringAsync($"http://127.0.0.1:{statusPort}/status");
                seen = text;
                using var json = JsonDocument.Parse(text);
                var servers = json.RootElement.GetProperty("servers").EnumerateArray().ToDictionary(
                    s => s.GetProperty("name").GetString()!,
                    s => (s.GetProperty("state").GetString()!, s.GetProperty("pid").ValueKind == JsonValueKind.Number ? s.GetProperty("pid").GetInt32() : (int?)null));
                if (until(servers))
                    return servers;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The servers never reached the expected states on port {statusPort}; the last /status was {seen}");
            await Task.Delay(50);
        }
    }

    private static bool AllRunning(Dictionary<string, (string State, int? Pid)> servers) => servers.Count == 2 && servers.Values.All(s => s.State == "Running");

    private static async Task<string> StateOf(int statusPort)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var json = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{statusPort}/status"));
        return json.RootElement.GetProperty("state").GetString()!;
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_non_loopback_listen_address_without_a_token_makes_the_daemon_exit_78_naming_the_key_and_value()
    {
        var statusPort = FreePort.Next();
        await using var daemon = new DaemonProcess(["--config", Config(statusPort, listenHost: "0.0.0.0")], ownStatusPort: false);

        var code = await daemon.WaitForExit(TimeSpan.FromSeconds(20));

        code.Should().Be(78, daemon.Dump());
        daemon.Stderr.Should().ContainSingle().Which.Should().StartWith(
            $"mlx-supervisor: invalid settings: Status:Listen 'http://0.0.0.0:{statusPort}' is not a loopback address: set Status:AllowRemote to true");
        daemon.Stdout.Should().NotContain(l => l.Contains("Started pid=", StringComparison.Ordinal));
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_status_port_in_use_is_named_in_one_line_and_the_daemon_exits_69_before_spawning_a_server()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var statusPort = ((IPEndPoint)squatter.LocalEndpoint).Port;
        await using var daemon = new DaemonProcess(["--config", Config(statusPort)], ownStatusPort: false);

        var code = await daemon.WaitForExit(TimeSpan.FromSeconds(20));

        code.Should().Be(69, daemon.Dump());
        daemon.Stdout.Where(l => l.Contains($"127.0.0.1:{statusPort}", StringComparison.Ordinal) && !l.Contains("Starting with state directory", StringComparison.Ordinal))
            .Should().ContainSingle("besides the start-up line of effective settings")
            .Which.Should().Contain($"Cannot listen on http://127.0.0.1:{statusPort} for the status endpoint (Status:Listen): the address is already in use");
        daemon.Stdout.Should().NotContain(l => l.Contains("Started pid=", StringComparison.Ordinal), "no server is spawned");
        daemon.Stdout.Concat(daemon.Stderr).Should().NotContain(l => l.Contains("   at ", StringComparison.Ordinal), "no stack trace");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_status_verb_exits_0_while_the_server_runs_and_1_once_an_operator_has_stopped_it()
    {
        var statusPort = FreePort.Next();
        var config = Config(statusPort, $", \"Token\": \"{Token}\"");
        await using var daemon = new DaemonProcess(["--config", config], ownStatusPort: false);
        await daemon.WaitForLine("healthy after");

        var running = await DaemonCli.RunAsync("status", "--config", config);
        var json = await DaemonCli.RunAsync("status", "--config", config, "--json");
        var stop = await DaemonCli.RunAsync("stop", "--config", config);
        await daemon.WaitForLine("stopped after SIGTERM");
        while (await StateOf(statusPort) != "Stopped")
            await Task.Delay(50);
        var stopped = await DaemonCli.RunAsync("status", "--config", config);

        running.ExitCode.Should().Be(0, running.ToString());
        running.Stdout.Should().Contain("State       Running since").And.Contain("Server      pid ").And.Contain("Restarts    0");
        json.ExitCode.Should().Be(0);
        var document = JsonDocument.Parse(json.Stdout).RootElement;
        document.GetProperty("state").GetString().Should().Be("Running");
        document.GetProperty("frontDoor").GetProperty("inFlight").GetInt32().Should().Be(0, "the daemon's front door reports to its status");
        stop.ExitCode.Should().Be(0, stop.ToString());
        stopped.ExitCode.Should().Be(1, stopped.ToString());
        stopped.Stdout.Should().Contain("State       Stopped").And.Contain("Server      not running");
        daemon.Signal(Signals.SIGTERM);
        (await daemon.WaitForExit(TimeSpan.FromSeconds(10))).Should().Be(0);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_status_verb_exits_2_when_no_daemon_answers()
    {
        var config = Config(FreePort.Next());

        var result = await DaemonCli.RunAsync("status", "--config", config);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Stderr.Should().Contain("cannot reach the daemon at http://127.0.0.1:").And.Contain("connection refused");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_restart_verb_restarts_the_server_with_the_token_and_is_refused_with_a_wrong_one()
    {
        var statusPort = FreePort.Next();
        var config = Config(statusPort, $", \"Token\": \"{Token}\"");
        var wrong = _dir.File("wrong.json", File.ReadAllText(config).Replace(Token, "not-it", StringComparison.Ordinal));
        await using var daemon = new DaemonProcess(["--config", config], ownStatusPort: false);
        var first = await daemon.WaitForLine("Started pid=");
        await daemon.WaitForLine("healthy after");

        var refused = await DaemonCli.RunAsync("restart", "--config", wrong);
        var restarted = await DaemonCli.RunAsync("restart", "--config", config);
        await daemon.WaitForLine("stopped after SIGTERM");

        refused.ExitCode.Should().Be(1, refused.ToString());
        refused.Stderr.Should().Contain("restart refused (HTTP 401)");
        restarted.ExitCode.Should().Be(0, restarted.ToString());
        restarted.Stdout.Should().Contain("restart accepted");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (daemon.Stdout.Count(l => l.Contains("Started pid=", StringComparison.Ordinal)) < 2 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        daemon.Stdout.Where(l => l.Contains("Started pid=", StringComparison.Ordinal)).Should().HaveCount(2, daemon.Dump())
            .And.Contain(first);
        daemon.Signal(Signals.SIGTERM);
        (await daemon.WaitForExit(TimeSpan.FromSeconds(10))).Should().Be(0);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task With_two_servers_status_prints_a_row_each_and_the_verbs_that_name_a_server_act_on_that_one_only()
    {
        var statusPort = FreePort.Next();
        var config = FleetConfig(statusPort);
        await using var daemon = new DaemonProcess(["--config", config], ownStatusPort: false);
        var before = await ServersOf(statusPort, AllRunning);

        var rows = await DaemonCli.RunAsync("status", "--config", config);
        var b = await DaemonCli.RunAsync("status", "b", "--config", config);
        var restart = await DaemonCli.RunAsync("restart", "b", "--config", config);
        var after = await ServersOf(statusPort, s => AllRunning(s) && s["b"].Pid != before["b"].Pid);
        var unknown = await DaemonCli.RunAsync("stop", "nosuch", "--config", config);
        var unknownStatus = await DaemonCli.RunAsync("status", "nosuch", "--config", config);

        rows.ExitCode.Should().Be(0, rows.ToString());
        var lines = rows.Stdout.Split('\n');
        lines[0].Should().MatchRegex($@"^mlx-supervisor \S+ at http://127\.0\.0\.1:{statusPort}: 2 servers, default a; memory [\d.]+ MiB used$");
        lines[1].Should().MatchRegex("^NAME +STATE +PID +UPTIME +MEMORY +RESTARTS +MODELS$");
        lines[2].Should().MatchRegex($"^a +Running +{before["a"].Pid} +.+ +0 +a-model$");
        lines[3].Should().MatchRegex($"^b +Running +{before["b"].Pid} +.+ +0 +b-model$");
        b.ExitCode.Should().Be(0, b.ToString());
        b.Stdout.Should().Contain("Name        b, starts AtBoot; models b-model").And.Contain($"Server      pid {before["b"].Pid}, up ");
        restart.ExitCode.Should().Be(0, restart.ToString());
        restart.Stdout.Should().Contain("restart accepted (server b)");
        after["a"].Pid.Should().Be(before["a"].Pid, "a restart of b leaves a alone");
        unknown.ExitCode.Should().Be(1, unknown.ToString());
        unknown.Stderr.Trim().Should().Be("mlx-supervisor: stop refused (HTTP 404): no server named 'nosuch': the servers are a, b");
        unknownStatus.ExitCode.Should().Be(1, unknownStatus.ToString());
        unknownStatus.Stderr.Trim().Should().Be("mlx-supervisor: no server named 'nosuch': the servers are a, b");
        daemon.Signal(Signals.SIGTERM);
        (await daemon.WaitForExit(TimeSpan.FromSeconds(10))).Should().Be(0);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_metrics_of_a_daemon_with_two_servers_carry_both_servers_series_the_front_doors_included()
    {
        var statusPort = FreePort.Next();
        await using var daemon = new DaemonProcess(["--config", FleetConfig(statusPort)], ownStatusPort: false);
        await ServersOf(statusPort, AllRunning);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });

        var metrics = PrometheusText.Parse(await http.GetStringAsync($"http://127.0.0.1:{statusPort}/metrics"));

        foreach (var server in (string[])["a", "b"])
        {
            metrics.Value("mlx_supervisor_state", ("state", "Running"), ("server", server)).Should().Be(1);
            metrics.Value("mlx_supervisor_server_resident_memory_bytes", ("server", server)).Should().BeGreaterThan(1 << 20);
            metrics.Value("mlxsup_frontdoor_in_flight", ("server", server)).Should().Be(0);
            metrics.Value("mlxsup_frontdoor_queued", ("server", server)).Should().Be(0);
        }
        metrics.Value("mlx_supervisor_memory_used_bytes").Should().BeGreaterThan(2 << 20);
        metrics.Families.Should().NotContainKey("mlx_supervisor_memory_budget_bytes", "there is no Fleet:MemoryBudget");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Validate_config_exits_0_for_good_settings_and_78_with_the_daemons_own_lines_for_bad_ones()
    {
        var good = Config(FreePort.Next());
        var bad = _dir.File("bad.json", """{ "Supervisor": { "Health": { "FailureThreshold": 0 } }, "Status": { "Listen": "http://0.0.0.0:8090" } }""");

        var ok = await DaemonCli.RunAsync("validate-config", "--config", good);
        var refused = await DaemonCli.RunAsync("validate-config", "--config", bad);
        await using var daemon = new DaemonProcess(["--config", bad], ownStatusPort: false);
        (await daemon.WaitForExit(TimeSpan.FromSeconds(20))).Should().Be(78);

        ok.ExitCode.Should().Be(0, ok.ToString());
        ok.Stdout.Should().Contain("settings are valid");
        refused.ExitCode.Should().Be(78, refused.ToString());
        refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(daemon.Stderr)
            .And.HaveCount(2).And.Contain(l => l.Contains("Status:Listen 'http://0.0.0.0:8090' is not a loopback address", StringComparison.Ordinal));
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Version_and_help_answer_without_starting_a_daemon()
    {
        var version = await DaemonCli.RunAsync("--version");
        var help = await DaemonCli.RunAsync("--help");

        version.ExitCode.Should().Be(0);
        version.Stdout.Should().StartWith("0.1.0");
        help.ExitCode.Should().Be(0);
        help.Stdout.Should().Contain("status").And.Contain("restart").And.Contain("validate-config").And.Contain("--config");
    }
}
