using System.Runtime.InteropServices;
using FluentAssertions;
using MlxSupervisor.Deploy.Tests.Infrastructure;

namespace MlxSupervisor.Deploy.Tests;

/// <summary>install.sh --dry-run on a machine with nothing installed: the steps of a first install in each mode.</summary>
public sealed class InstallDryRunSpecs : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public InstallDryRunSpecs() => _sandbox.PutOnServicePath();

    public void Dispose() => _sandbox.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task A_dry_run_prints_the_steps_and_changes_nothing_on_disk()
    {
        var before = _sandbox.Snapshot();

        var daemon = await _sandbox.InstallAsync("--dry-run", "--prefix", _sandbox.Prefix);
        var agent = await _sandbox.InstallAsync("--dry-run", "--agent", "--prefix", _sandbox.Prefix);

        daemon.ExitCode.Should().Be(0, "{0}", daemon);
        agent.ExitCode.Should().Be(0, "{0}", agent);
        _sandbox.Snapshot().Should().Equal(before, "a dry run writes nothing, not even in TMPDIR");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_dry_run_builds_a_self_contained_single_file_for_the_Macs_architecture()
    {
        var run = await _sandbox.InstallAsync("--dry-run", "--prefix", _sandbox.Prefix);

        var rid = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "osx-arm64" : "osx-x64";
        run.Commands.Should().ContainSingle(command => command.Contains(" publish ", StringComparison.Ordinal))
            .Which.Should().EndWith($"publish {_sandbox.RepoCopy}/src/MlxSupervisor/MlxSupervisor.csproj -c Release -r {rid} --self-contained -p:PublishSingleFile=true -o {_sandbox.Tmp}/mlx-supervisor-build.XXXXXX");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_dry_run_of_the_daemon_installs_a_LaunchDaemon_and_starts_it_in_the_system_domain()
    {
        var run = await _sandbox.InstallAsync("--dry-run", "--prefix", _sandbox.Prefix);

        run.WrittenFiles.Keys.Should().Equal(_sandbox.DaemonPlist);
        run.Commands.Should().ContainInOrder(
            $"chown root:wheel {_sandbox.DaemonPlist}",
            $"chmod 644 {_sandbox.DaemonPlist}",
            "launchctl enable system/com.mlxsupervisor.daemon",
            $"launchctl bootstrap system {_sandbox.DaemonPlist}");
        run.Commands.Should().Contain($"chown {Sandbox.User} {_sandbox.LogDir}", "the daemon runs as the user and writes its logs there");
        run.Commands.Should().NotContain(command => command.StartsWith("launchctl bootout", StringComparison.Ordinal), "nothing is loaded yet");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_dry_run_of_the_agent_installs_a_LaunchAgent_and_starts_it_in_the_users_gui_domain()
    {
        var run = await _sandbox.InstallAsync("--dry-run", "--agent", "--prefix", _sandbox.Prefix);

        run.WrittenFiles.Keys.Should().Equal(_sandbox.AgentPlist);
        run.Commands.Should().ContainInOrder(
            $"mkdir -p {Path.GetDirectoryName(_sandbox.AgentPlist)}",
            $"chmod 644 {_sandbox.AgentPlist}",
            $"launchctl enable gui/{UnixUser.Id}/com.mlxsupervisor.agent",
            $"launchctl bootstrap gui/{UnixUser.Id} {_sandbox.AgentPlist}");
        run.Commands.Should().NotContain(command => command.StartsWith("chown", StringComparison.Ordinal), "the user installs an agent as themselves");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_first_install_installs_the_program_the_shipped_defaults_and_a_record_of_them()
    {
        var run = await _sandbox.InstallAsync("--dry-run", "--prefix", _sandbox.Prefix);

        run.Commands.Should().ContainInOrder(
            $"cp -R {_sandbox.Tmp}/mlx-supervisor-build.XXXXXX {_sandbox.AppDir}.new",
            $"mv {_sandbox.AppDir}.new {_sandbox.AppDir}",
            $"ln -sfn {_sandbox.Executable} {_sandbox.BinLink}",
            $"install -m 644 {_sandbox.DefaultsFile} {_sandbox.Config}",
            $"install -m 644 {_sandbox.DefaultsFile} {_sandbox.Config}.shipped");
        run.Stdout.Should().Contain($"config: installed the defaults as {_sandbox.Config}");
    }

    [Fact(Timeout = 60_000)]
    public async Task Without_options_the_program_goes_to_usr_local_and_the_logs_to_the_users_Library_Logs()
    {
        var run = await _sandbox.RunAsync("install.sh", new Dictionary<string, string?> { ["MLXSUP_LAUNCHDAEMONS_DIR"] = null }, "--dry-run");

        run.ExitCode.Should().Be(0, "{0}", run);
        var plist = Plist.Parse(run.WrittenFiles["/Library/LaunchDaemons/com.mlxsupervisor.daemon.plist"]);
        plist["ProgramArguments"].Should().BeEquivalentTo(
            new[] { "/usr/local/lib/mlx-supervisor/mlx-supervisor", "--config", "/usr/local/etc/mlx-supervisor/appsettings.json" },
            o => o.WithStrictOrdering());
        plist["WorkingDirectory"].Should().Be(_sandbox.LogDir);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_log_folder_can_be_moved_with_log_dir()
    {
        var logs = Path.Combine(_sandbox.Root, "elsewhere", "logs");

        var run = await _sandbox.InstallAsync("--dry-run", "--prefix", _sandbox.Prefix, "--log-dir", logs);

        var plist = Plist.Parse(run.WrittenFiles[_sandbox.DaemonPlist]);
        plist["WorkingDirectory"].Should().Be(logs);
        ((IReadOnlyDictionary<string, object>)plist["EnvironmentVariables"])["MLXSUP_LOG_DIR"].Should().Be(logs);
        run.Commands.Should().Contain($"mkdir -p {logs}");
    }

    [Fact(Timeout = 60_000)]
    public async Task An_agent_is_not_installed_beside_an_installed_daemon()
    {
        _sandbox.Write(_sandbox.DaemonPlist, "<plist/>");

        var run = await _sandbox.InstallAsync("--dry-run", "--agent", "--prefix", _sandbox.Prefix);

        run.ExitCode.Should().Be(1);
        run.Stderr.Should().Be($"error: a LaunchDaemon is already installed ({_sandbox.DaemonPlist}); remove it first with sudo deploy/uninstall.sh\n",
            "two supervisors would start two servers, each loading its model");
    }
}
