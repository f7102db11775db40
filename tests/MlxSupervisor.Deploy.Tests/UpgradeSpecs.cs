using FluentAssertions;
using MlxSupervisor.Deploy.Tests.Infrastructure;

namespace MlxSupervisor.Deploy.Tests;

/// <summary>Re-running install.sh over an installed service: an upgrade that never loses the user's settings.</summary>
public sealed class UpgradeSpecs : IDisposable
{
    private const string EditedConfig = """{ "Supervisor": { "Health": { "FailureThreshold": 5 } } }""";

    private readonly Sandbox _sandbox = new();

    public UpgradeSpecs() => _sandbox.PutOnServicePath();

    public void Dispose() => _sandbox.Dispose();

    private string NewDefaults => File.ReadAllText(_sandbox.DefaultsFile);

    [FactOffMac("on macOS the installer asks launchctl whether the job is loaded, and this sandbox's job is not", Timeout = 60_000)]
    public async Task An_upgrade_boots_the_service_out_before_replacing_the_program_and_bootstraps_it_again()
    {
        Installed.Lay(_sandbox, config: NewDefaults, shipped: NewDefaults);

        var run = await _sandbox.InstallAsync("--dry-run", "--prefix", _sandbox.Prefix);

        run.ExitCode.Should().Be(0, "{0}", run);
        run.Commands.Should().ContainInOrder(
            "launchctl bootout system/com.mlxsupervisor.daemon",
            $"rm -rf {_sandbox.AppDir}",
            $"mv {_sandbox.AppDir}.new {_sandbox.AppDir}",
            "launchctl enable system/com.mlxsupervisor.daemon",
            $"launchctl bootstrap system {_sandbox.DaemonPlist}");
        run.Commands.Should().ContainSingle(command => command.Contains(" publish ", StringComparison.Ordinal))
            .Which.Should().Be(run.Commands[0], "the build comes first, so a failed build leaves the old service running");
    }

    [Fact(Timeout = 60_000)]
    public async Task An_upgrade_keeps_a_config_the_user_edited_and_writes_the_new_defaults_beside_it()
    {
        Installed.Lay(_sandbox, config: EditedConfig, shipped: Installed.OldDefaults);

        var run = await _sandbox.InstallAsync("--dry-run", "--prefix", _sandbox.Prefix);

        run.ExitCode.Should().Be(0, "{0}", run);
        run.Commands.Should().NotContain(command => command.EndsWith(" " + _sandbox.Config, StringComparison.Ordinal), "nothing may write the edited config");
        run.Commands.Should().Contain($"install -m 644 {_sandbox.DefaultsFile} {_sandbox.Config}.new");
        run.Commands.Should().Contain($"install -m 644 {_sandbox.DefaultsFile} {_sandbox.Config}.shipped");
        run.Stdout.Should().Contain($"config: kept your edited {_sandbox.Config}; the new defaults are in {_sandbox.Config}.new");
    }

    [Fact(Timeout = 60_000)]
    public async Task An_upgrade_replaces_a_config_the_user_never_edited_with_the_new_defaults()
    {
        Installed.Lay(_sandbox, config: Installed.OldDefaults, shipped: Installed.OldDefaults);

        var run = await _sandbox.InstallAsync("--dry-run", "--prefix", _sandbox.Prefix);

        run.ExitCode.Should().Be(0, "{0}", run);
        run.Commands.Should().ContainInOrder(
            $"install -m 644 {_sandbox.DefaultsFile} {_sandbox.Config}",
            $"install -m 644 {_sandbox.DefaultsFile} {_sandbox.Config}.shipped");
        run.Commands.Should().NotContain(command => command.EndsWith(".new", StringComparison.Ordinal) && command.Contains("/etc/", StringComparison.Ordinal));
        run.Stdout.Should().Contain("was unchanged since it was installed, so it now holds the new defaults");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_config_from_before_the_installer_recorded_its_defaults_counts_as_edited()
    {
        Installed.Lay(_sandbox, config: Installed.OldDefaults, shipped: null);

        var run = await _sandbox.InstallAsync("--dry-run", "--prefix", _sandbox.Prefix);

        run.Commands.Should().NotContain($"install -m 644 {_sandbox.DefaultsFile} {_sandbox.Config}");
        run.Commands.Should().Contain($"install -m 644 {_sandbox.DefaultsFile} {_sandbox.Config}.new");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_config_that_holds_the_current_defaults_is_left_as_it_is()
    {
        Installed.Lay(_sandbox, config: NewDefaults, shipped: NewDefaults);

        var run = await _sandbox.InstallAsync("--dry-run", "--prefix", _sandbox.Prefix);

        run.Commands.Should().NotContain(command => command.Contains(_sandbox.ConfigDir, StringComparison.Ordinal));
        run.Stdout.Should().Contain($"config: {_sandbox.Config} already holds the current defaults");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_config_given_with_config_replaces_an_edited_one_and_keeps_it_as_bak()
    {
        Installed.Lay(_sandbox, config: EditedConfig, shipped: Installed.OldDefaults);
        var mine = _sandbox.Write(Path.Combine(_sandbox.Root, "mine.json"), """{ "Supervisor": { "Health": { "Interval": "00:00:30" } } }""");

        var run = await _sandbox.InstallAsync("--dry-run", "--prefix", _sandbox.Prefix, "--config", mine);

        run.ExitCode.Should().Be(0, "{0}", run);
        run.Commands.Should().ContainInOrder(
            $"cp -p {_sandbox.Config} {_sandbox.Config}.bak",
            $"install -m 644 {mine} {_sandbox.Config}");
    }
}
