using System.Diagnostics;
using System.Globalization;
using FluentAssertions;
using MlxSupervisor.Process;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Daemon;

/// <summary>The real daemon executable, as launchd or a terminal would run it.</summary>
public sealed class DaemonSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string SimConfig(int port, string extraSimArgs = "", string grace = "00:00:02") => _dir.File("settings.json", $$"""
        {
          "Supervisor": {
            "Server": { "Command": "{{Repo.SimServer}}", "Arguments": ["--port", "{{port}}" {{extraSimArgs}}] },
            "Health": { "Url": "http://127.0.0.1:{{port}}/health", "Interval": "00:00:00.5", "Timeout": "00:00:00.4", "StartupProbeInterval": "00:00:00.05" },
            "Restart": { "InitialDelay": "00:00:00.1", "MaxDelay": "00:00:00.5", "ResetAfter": "00:00:02" },
            "Shutdown": { "GracePeriod": "{{grace}}" },
            "Proxy": { "Listen": "http://127.0.0.1:{{FreePort.Next()}}" }
          }
        }
        """);

    private static int PidFrom(string startedLine) =>
        int.Parse(startedLine[(startedLine.IndexOf("pid=", StringComparison.Ordinal) + 4)..].Split(' ')[0], CultureInfo.InvariantCulture);

    [Theory(Timeout = Timeouts.ProcessTestMs)]
    [InlineData(Signals.SIGTERM)]
    [InlineData(Signals.SIGINT)]
    public async Task On_SIGTERM_or_Ctrl_C_the_daemon_stops_the_server_and_its_helper_and_exits_0_leaving_no_process(int signal)
    {
        var port = FreePort.Next();
        await using var daemon = new DaemonProcess(["--config", SimConfig(port, ", \"--spawn-helper\"")]);
        var server = PidFrom(await daemon.WaitForLine("Started pid="));
        await daemon.WaitForLine("healthy after");

        var stopwatch = Stopwatch.StartNew();
        daemon.Signal(signal);
        var code = await daemon.WaitForExit(TimeSpan.FromSeconds(2 + 5 + 5));

        code.Should().Be(0, daemon.Dump());
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2 + 5), "the daemon exits within GracePeriod + 5 s");
        ProcessAssert.LiveGroupMembers(server).Should().BeEmpty();
        daemon.Stdout.Should().Contain(l => l.Contains($"Server pid={server} stopped after SIGTERM", StringComparison.Ordinal));
        var logFile = Directory.GetFiles(daemon.LogDirectory, "mlx-supervisor-*.log").Should().ContainSingle().Subject;
        (await File.ReadAllTextAsync(logFile)).Should().Contain($"Started pid={server}", "the log file is flushed before exit");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_daemon_brings_back_a_server_killed_with_SIGKILL()
    {
        var port = FreePort.Next();
        await using var daemon = new DaemonProcess(["--config", SimConfig(port)]);
        var first = PidFrom(await daemon.WaitForLine("Started pid="));
        await daemon.WaitForLine("healthy after");

        NativeMethods.Kill(first, Signals.SIGKILL);

        await daemon.WaitForLine($"Server pid={first} exited code=137 (SIGKILL, often the system killing it for memory)");
        var second = await daemon.WaitForLine("Restart 1 in 0.1 s");
        second.Should().NotBeNull();
        (await daemon.WaitForLine($"Started pid=", TimeSpan.FromSeconds(10))).Should().NotBeNull();
        daemon.Stdout.Count(l => l.Contains("healthy after", StringComparison.Ordinal)).Should().BeGreaterThanOrEqualTo(1);
        daemon.Signal(Signals.SIGTERM);
        (await daemon.WaitForExit(TimeSpan.FromSeconds(10))).Should().Be(0);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Invalid_settings_are_named_one_per_line_and_the_daemon_exits_78_without_starting_a_server()
    {
        var port = FreePort.Next();
        var config = _dir.File("bad.json", $$"""
            { "Supervisor": {
                "Server": { "Command": "{{Repo.SimServer}}", "Arguments": ["--port", "{{port}}"] },
                "Health": { "Url": "localhost:{{port}}/health", "Interval": "soon" },
                "Restart": { "InitialDelay": "00:01:00", "MaxDelay": "00:00:30" } } }
            """);
        await using var daemon = new DaemonProcess(["--config", config]);

        var code = await daemon.WaitForExit(TimeSpan.FromSeconds(10));

        code.Should().Be(78, daemon.Dump());
        daemon.Stderr.Should().Contain("mlx-supervisor: invalid settings: Supervisor:Health:Interval 'soon' is not a time span; write it as hh:mm:ss, e.g. \"00:00:10\".");
        daemon.Stdout.Should().NotContain(l => l.Contains("Started pid=", StringComparison.Ordinal));
        daemon.Stderr.Should().NotContain(l => l.Contains("   at ", StringComparison.Ordinal), "no stack trace");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Every_invalid_value_is_reported_before_the_daemon_exits_78()
    {
        var config = _dir.File("bad.json", """
            { "Supervisor": { "Health": { "Url": "localhost/health", "FailureThreshold": 0 }, "Restart": { "InitialDelay": "00:01:00", "MaxDelay": "00:00:30" } } }
            """);
        await using var daemon = new DaemonProcess(["--config", config]);

        (await daemon.WaitForExit(TimeSpan.FromSeconds(10))).Should().Be(78);

        daemon.Stderr.Should().BeEquivalentTo(
            "mlx-supervisor: invalid settings: Supervisor:Health:Url 'localhost/health' is not an absolute http(s) URL.",
            "mlx-supervisor: invalid settings: Supervisor:Health:FailureThreshold '0' must be at least 1.",
            "mlx-supervisor: invalid settings: Supervisor:Restart:MaxDelay '00:00:30' is below Supervisor:Restart:InitialDelay '00:01:00'.");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task An_environment_variable_overrides_a_key_and_is_validated_like_the_file()
    {
        await using var daemon = new DaemonProcess([], new Dictionary<string, string> { ["Supervisor__Health__Timeout"] = "00:00:30" });

        (await daemon.WaitForExit(TimeSpan.FromSeconds(10))).Should().Be(78);

        daemon.Stderr.Should().ContainSingle().Which.Should().Contain("Supervisor:Health:Timeout '00:00:30' must be below Supervisor:Health:Interval '00:00:10'");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_missing_config_file_is_named_and_the_daemon_exits_78()
    {
        await using var daemon = new DaemonProcess(["--config", "/nonexistent/mlx/settings.json"]);

        (await daemon.WaitForExit(TimeSpan.FromSeconds(10))).Should().Be(78);

        daemon.Stderr.Should().ContainSingle().Which.Should().Be("mlx-supervisor: invalid settings: Settings file '/nonexistent/mlx/settings.json' does not exist.");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_command_that_is_not_installed_is_named_and_retried_with_backoff_while_the_daemon_stays_up()
    {
        var config = _dir.File("missing.json", $$"""
            { "Supervisor": { "Server": { "Command": "mlx_lm.server-not-installed" }, "Restart": { "InitialDelay": "00:00:00.1", "MaxDelay": "00:00:00.4" },
                              "Proxy": { "Listen": "http://127.0.0.1:{{FreePort.Next()}}" } } }
            """);
        await using var daemon = new DaemonProcess(["--config", config]);

        await daemon.WaitForLine("Restart 3 in 0.4 s");

        daemon.Stdout.Should().Contain(l => l.Contains("Start failed: cannot run server command 'mlx_lm.server-not-installed' was not found on PATH", StringComparison.Ordinal));
        daemon.Signal(Signals.SIGTERM);
        (await daemon.WaitForExit(TimeSpan.FromSeconds(10))).Should().Be(0);
    }
}
