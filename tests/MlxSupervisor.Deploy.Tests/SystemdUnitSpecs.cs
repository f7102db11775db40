using System.Diagnostics;
using FluentAssertions;
using MlxSupervisor.Deploy.Tests.Infrastructure;
using MlxSupervisor.Testing.Tools;

namespace MlxSupervisor.Deploy.Tests;

/// <summary>deploy/systemd/mlx-supervisor.service: the Linux service, consistent with the daemon's settings.</summary>
public sealed class SystemdUnitSpecs
{
    private static readonly string UnitFile = Repo.PathOf("deploy", "systemd", "mlx-supervisor.service");

    private static SystemdUnit Unit => SystemdUnit.Parse(File.ReadAllText(UnitFile));

    [SkippableFact(Timeout = 60_000)]
    public async Task The_systemd_unit_passes_systemd_analyze_verify()
    {
        var tool = RequiredTools.SystemdAnalyze.Require();
        // verify also checks that ExecStart's program exists, which it does only once installed: check a copy
        // that runs /bin/true with the same arguments.
        var dir = Directory.CreateTempSubdirectory("mlxsup-unit-");
        try
        {
            var copy = Path.Combine(dir.FullName, "mlx-supervisor.service");
            var text = File.ReadAllText(UnitFile);
            File.WriteAllText(copy, text.Replace("ExecStart=/usr/local/lib/mlx-supervisor/mlx-supervisor ", "ExecStart=/bin/true ", StringComparison.Ordinal));
            File.ReadAllText(copy).Should().Contain("ExecStart=/bin/true --config ");

            var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("verify");
            start.ArgumentList.Add(copy);
            using var verify = Process.Start(start)!;
            var output = verify.StandardOutput.ReadToEndAsync();
            var errors = verify.StandardError.ReadToEndAsync();
            await verify.WaitForExitAsync();
            var complaints = ((await output) + (await errors)).Split('\n').Where(line => line.Contains("mlx-supervisor.service", StringComparison.Ordinal));

            // verify exits 0 on a key it cannot parse and only prints a warning naming the file.
            verify.ExitCode.Should().Be(0);
            complaints.Should().BeEmpty();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_systemd_unit_tells_systemd_when_the_daemon_is_ready()
    {
        Unit["Service.Type"].Should().Be("notify", "the host calls UseSystemd() and sends READY=1");
    }

    [Fact]
    public void The_systemd_unit_gives_the_daemon_its_grace_period_and_margin_before_SIGKILL()
    {
        var unit = Unit;

        unit.Seconds("Service.TimeoutStopSec").Should().BeGreaterThan(ShippedSettings.GracePeriod + ShippedSettings.DaemonShutdownMargin);
        unit["Service.KillMode"].Should().Be("mixed", "SIGTERM goes to the daemon alone, which stops its server itself");
    }

    [Fact]
    public void The_systemd_unit_restarts_a_failed_daemon_but_not_one_with_invalid_settings()
    {
        var unit = Unit;

        unit["Service.Restart"].Should().Be("on-failure");
        unit.Seconds("Service.RestartSec").Should().Be(TimeSpan.FromSeconds(5));
        unit.All("Service.RestartPreventExitStatus").SelectMany(value => value.Split(' ')).Should().Contain("78", "exit 78 is EX_CONFIG; the same file fails the same way");
        unit["Unit.StartLimitIntervalSec"].Should().Be("0", "the service never gives up, like launchd's KeepAlive");
    }

    [Fact]
    public void The_systemd_unit_points_the_log_file_sink_at_its_logs_directory()
    {
        var unit = Unit;

        unit["Service.LogsDirectory"].Should().Be("mlx-supervisor");
        unit.All("Service.Environment").Should().Contain("MLXSUP_LOG_DIR=/var/log/mlx-supervisor");
    }

    [Fact(Timeout = 60_000)]
    public async Task The_systemd_unit_runs_the_program_and_config_where_install_sh_puts_them_by_default()
    {
        using var sandbox = new Sandbox();
        sandbox.PutOnServicePath();

        var run = await sandbox.InstallAsync("--dry-run");

        run.ExitCode.Should().Be(0, "{0}", run);
        var programArguments = Plist.Parse(run.WrittenFiles[sandbox.DaemonPlist])["ProgramArguments"];
        Unit["Service.ExecStart"].Split(' ').Should().BeEquivalentTo((IEnumerable<object>)programArguments, o => o.WithStrictOrdering());
    }
}
