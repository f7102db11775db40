using System.Globalization;
using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Configuration;
using MlxSupervisor.Health;
using MlxSupervisor.Process;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Configuration;

/// <summary>Editing the settings file while the daemon runs.</summary>
public sealed class SettingsReloadSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public SettingsReloadSpecs() => _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs));

    public void Dispose()
    {
        _loggerFactory.Dispose();
        _dir.Dispose();
    }

    private sealed class CountingProbe(IHealthProbe inner) : IHealthProbe
    {
        private int _probes;

        public int Probes => Volatile.Read(ref _probes);

        public Task<HealthProbeResult> ProbeAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _probes);
            return inner.ProbeAsync(url, timeout, cancellationToken);
        }

        public Task<bool> IsListeningAsync(Uri url, CancellationToken cancellationToken) => inner.IsListeningAsync(url, cancellationToken);
    }

    private static string UserSettings(int port, string interval, string timeout, string extra = "") => $$"""
        { "Supervisor": {
            "Server": { "Command": "{{Repo.SimServer}}", "Arguments": ["--port", "{{port}}"] },
            "Health": { "Url": "http://127.0.0.1:{{port}}/health", "Interval": "{{interval}}", "Timeout": "{{timeout}}", "StartupProbeInterval": "00:00:00.050" }{{extra}}
        } }
        """;

    private (IConfigurationRoot Configuration, LiveSupervisorOptions Live, SettingsWatcher Watcher) Load(string userFile, bool watch)
    {
        var configuration = new ConfigurationBuilder()
            .Add(new LayeredJsonConfigurationSource([Repo.DefaultSettings, userFile]) { ReloadOnChange = watch })
            .Build();
        var live = new LiveSupervisorOptions(SupervisorSettings.Load(configuration));
        return (configuration, live, new SettingsWatcher(configuration, live, TimeProvider.System, _loggerFactory.CreateLogger<SettingsWatcher>()));
    }

    /// <summary>The one test that watches real files (inotify): editing Interval changes the probe rate of a running server.</summary>
    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Editing_the_health_interval_in_the_file_changes_the_probe_rate_without_restarting_the_server()
    {
        var port = FreePort.Next();
        var user = _dir.File("user.json", UserSettings(port, "00:00:01", "00:00:00.500"));
        var (_, live, watcher) = Load(user, watch: true);
        var reloaded = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Reloaded += applied => reloaded.TrySetResult(applied);
        var probe = new CountingProbe(new HttpHealthProbe(HttpHealthProbe.CreateClient(), TimeProvider.System));
        var launcher = new TrackingLauncher(new CliWrapServerLauncher(_loggerFactory, new LinuxProcessTable(), TimeProvider.System, new CapturingServerLog()));
        var supervisor = new ServerSupervisor(() => live.Current, launcher, probe,
            new HttpGenerationProbe(HttpHealthProbe.CreateClient(), TimeProvider.System), TimeProvider.System, _loggerFactory.CreateLogger("sup"));
        using var stop = new CancellationTokenSource();
        await watcher.StartAsync(stop.Token);
        var running = supervisor.RunAsync(stop.Token);
        try
        {
            var serving = await supervisor.Status.WaitFor(s => s.State == SupervisorState.Running, Timeouts.Wait);

            var atEdit = probe.Probes;
            // Saved the way most editors save: a new file renamed over the old one.
            File.WriteAllText(user + ".swp", UserSettings(port, "00:00:00.100", "00:00:00.080"));
            File.Move(user + ".swp", user, overwrite: true);
            (await reloaded.Task.WaitAsync(Timeouts.Wait)).Should().BeTrue(_logs.Dump());
            var applied = DateTime.UtcNow;
            // Fifteen probes at the old 1 s interval take at least 14 s; at 100 ms they come in well under half that.
            while (probe.Probes < atEdit + 16)
                await Task.Delay(20);
            var took = DateTime.UtcNow - applied;

            took.Should().BeLessThan(TimeSpan.FromSeconds(7), "the new interval applies without a restart");
            live.Current.Health.Interval.Should().Be(TimeSpan.FromMilliseconds(100));
            launcher.Started.Should().ContainSingle().Which.Pid.Should().Be(serving.Pid!.Value, "the server kept running");
            _logs.Contains("Settings reloaded (Health changed)").Should().BeTrue(_logs.Dump());
        }
        finally
        {
            await stop.CancelAsync();
            await running.WaitAsync(Timeouts.Wait);
            await watcher.StopAsync(CancellationToken.None);
            watcher.Dispose();
            launcher.Started.SelectMany(p => ProcessAssert.KillLeftovers(p.Pid)).Should().BeEmpty();
        }
    }

    [Theory]
    [InlineData("\"00:00:00.100\"", "Supervisor:Health:Interval '5x' is not a time span", "\"5x\"")]
    [InlineData("\"00:00:00.100\"", "is not valid JSON", "00:00:01 }}")]
    public void An_invalid_edit_is_refused_with_the_start_up_message_and_the_running_settings_stay(string _, string expected, string badInterval)
    {
        var user = _dir.File("user.json", UserSettings(FreePort.Next(), "00:00:01", "00:00:00.500"));
        var (_, live, watcher) = Load(user, watch: false);
        var before = live.Current;

        File.WriteAllText(user, UserSettings(FreePort.Next(), "00:00:01", "00:00:00.500").Replace("\"00:00:01\"", badInterval, StringComparison.Ordinal));
        var applied = watcher.Reload();

        applied.Should().BeFalse();
        live.Current.Should().BeSameAs(before);
        _logs.Lines.Should().Contain(l => l.StartsWith("[Error] invalid settings: ", StringComparison.Ordinal) && l.Contains(expected, StringComparison.Ordinal), _logs.Dump());
        _logs.Contains("the running settings stay in force").Should().BeTrue();
        watcher.Dispose();
    }

    [Fact]
    public void A_changed_server_command_line_is_logged_as_applying_at_the_next_restart()
    {
        var port = FreePort.Next();
        var user = _dir.File("user.json", UserSettings(port, "00:00:01", "00:00:00.500"));
        var (_, live, watcher) = Load(user, watch: false);

        File.WriteAllText(user, UserSettings(port, "00:00:01", "00:00:00.500").Replace("[\"--port\"", "[\"--tokens\", \"4\", \"--port\"", StringComparison.Ordinal));
        watcher.Reload().Should().BeTrue();

        live.Current.Server.Arguments.Should().StartWith("--tokens");
        _logs.Contains("Supervisor:Server changed: applies at the next restart of the server").Should().BeTrue(_logs.Dump());
        watcher.Dispose();
    }

    [Fact]
    public void A_reload_log_line_hides_secret_environment_values()
    {
        var port = FreePort.Next();
        var user = _dir.File("user.json", UserSettings(port, "00:00:01", "00:00:00.500"));
        var (_, _, watcher) = Load(user, watch: false);

        File.WriteAllText(user, UserSettings(port, "00:00:01", "00:00:00.500").Replace("\"Arguments\"", "\"Environment\": { \"HF_TOKEN\": \"hf_secret\" }, \"Arguments\"", StringComparison.Ordinal));
        watcher.Reload().Should().BeTrue();

        _logs.Contains("\"HF_TOKEN\":\"***\"").Should().BeTrue(_logs.Dump());
        _logs.Contains("hf_secret").Should().BeFalse();
        watcher.Dispose();
    }
}
