using FluentAssertions;
using MlxSupervisor.Deploy.Tests.Infrastructure;

namespace MlxSupervisor.Deploy.Tests;

/// <summary>install.sh --uninstall and deploy/uninstall.sh: the service goes, the user's config and logs stay unless purged.</summary>
public sealed class UninstallSpecs : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private string LogFile => Path.Combine(_sandbox.LogDir, "mlx-supervisor-20260101.log");

    [FactOffMac("on macOS the installer asks launchctl whether the job is loaded, and this sandbox's job is not", Timeout = 60_000)]
    public async Task Uninstalling_boots_the_service_out_and_removes_its_plist_and_the_program()
    {
        Installed.Lay(_sandbox, config: "{}", shipped: "{}");

        var run = await _sandbox.UninstallAsync("--dry-run", "--prefix", _sandbox.Prefix);

        run.ExitCode.Should().Be(0, "{0}", run);
        run.Commands.Should().ContainInOrder(
            "launchctl bootout system/com.mlxsupervisor.daemon",
            $"rm -f {_sandbox.DaemonPlist}",
            $"rm -f {_sandbox.BinLink}",
            $"rm -rf {_sandbox.AppDir}");
    }

    [Fact(Timeout = 60_000)]
    public async Task Uninstalling_keeps_the_config_and_the_logs()
    {
        Installed.Lay(_sandbox, config: "{}", shipped: "{}");

        var run = await _sandbox.UninstallAsync("--dry-run", "--prefix", _sandbox.Prefix);

        run.Commands.Should().NotContain(command => command.Contains(_sandbox.ConfigDir, StringComparison.Ordinal) || command.Contains(_sandbox.LogDir, StringComparison.Ordinal));
        run.Stdout.Should().Contain($"kept the config in {_sandbox.ConfigDir} and the logs in {_sandbox.LogDir} (--purge removes them)");
    }

    [Fact(Timeout = 60_000)]
    public async Task Uninstalling_with_purge_removes_the_config_and_the_log_files()
    {
        Installed.Lay(_sandbox, config: "{}", shipped: "{}");

        var run = await _sandbox.UninstallAsync("--dry-run", "--purge", "--prefix", _sandbox.Prefix);

        run.ExitCode.Should().Be(0, "{0}", run);
        run.Commands.Should().ContainInOrder(
            $"rm -f {_sandbox.Config}",
            $"rm -f {_sandbox.Config}.shipped",
            $"rmdir {_sandbox.ConfigDir}",
            $"rm -f {LogFile}",
            $"rm -f {_sandbox.LogDir}/launchd.stderr.log",
            $"rmdir {_sandbox.LogDir}");
    }

    [Fact(Timeout = 60_000)]
    public async Task Purging_removes_only_the_installers_files_from_a_folder_that_holds_others()
    {
        Installed.Lay(_sandbox, config: "{}", shipped: "{}");
        var notes = _sandbox.Write(Path.Combine(_sandbox.LogDir, "my-notes.txt"), "mine");

        var run = await _sandbox.UninstallAsync("--dry-run", "--purge", "--prefix", _sandbox.Prefix);

        run.Commands.Should().Contain($"rm -f {LogFile}");
        run.Commands.Should().NotContain(command => command.Contains(notes, StringComparison.Ordinal) || command == $"rmdir {_sandbox.LogDir}");
        run.Stdout.Should().Contain($"kept {_sandbox.LogDir}: it holds files the installer did not put there");
    }

    [Fact(Timeout = 60_000)]
    public async Task Uninstall_sh_does_what_install_sh_uninstall_does()
    {
        Installed.Lay(_sandbox, config: "{}", shipped: "{}", agent: true);

        var viaUninstall = await _sandbox.UninstallAsync("--dry-run", "--agent", "--prefix", _sandbox.Prefix);
        var viaInstall = await _sandbox.InstallAsync("--uninstall", "--dry-run", "--agent", "--prefix", _sandbox.Prefix);

        viaUninstall.Should().Be(viaInstall);
        viaUninstall.Commands.Should().Contain($"rm -f {_sandbox.AgentPlist}");
    }

    [Fact(Timeout = 60_000)]
    public async Task Purge_without_uninstall_is_refused()
    {
        var run = await _sandbox.InstallAsync("--dry-run", "--purge");

        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Be("error: --purge only goes with --uninstall (see --help)\n");
    }
}
