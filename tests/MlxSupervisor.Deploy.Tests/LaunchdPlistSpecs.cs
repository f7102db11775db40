using FluentAssertions;
using MlxSupervisor.Deploy.Tests.Infrastructure;

namespace MlxSupervisor.Deploy.Tests;

/// <summary>The launchd job: launchd/com.mlxsupervisor.daemon.plist as install.sh renders it, in both modes.</summary>
public sealed class LaunchdPlistSpecs(RenderedInstall rendered) : IClassFixture<RenderedInstall>
{
    private Sandbox Sandbox => rendered.Sandbox;

    [Fact]
    public void The_plist_template_is_well_formed_xml()
    {
        var template = File.ReadAllText(Repo.PathOf("launchd", "com.mlxsupervisor.daemon.plist"));

        var parse = () => Plist.Parse(template);

        // An XML comment with two hyphens in a row (say, naming an option) is not XML, and launchd rejects it.
        parse.Should().NotThrow();
    }

    [Theory]
    [InlineData("daemon")]
    [InlineData("agent")]
    public void The_rendered_plist_has_no_placeholder_left(string mode)
    {
        rendered.Plist(mode);

        rendered.Run(mode).WrittenFiles[rendered.PlistPath(mode)].Should().NotContain("@@");
    }

    [Theory]
    [InlineData("daemon")]
    [InlineData("agent")]
    public void The_plist_runs_the_installed_program_with_the_installed_config(string mode)
    {
        var plist = rendered.Plist(mode);
        var commands = rendered.Run(mode).Commands;

        plist["ProgramArguments"].Should().BeEquivalentTo(new[] { Sandbox.Executable, "--config", Sandbox.Config }, o => o.WithStrictOrdering());
        commands.Should().Contain($"mv {Sandbox.AppDir}.new {Sandbox.AppDir}", "the executable is in the folder the installer moves into place");
        commands.Should().Contain($"install -m 644 {Sandbox.DefaultsFile} {Sandbox.Config}", "the config is the file the installer installs");
    }

    [Theory]
    [InlineData("daemon")]
    [InlineData("agent")]
    public void The_plist_starts_the_daemon_at_load_and_relaunches_it_only_when_it_exits_non_zero(string mode)
    {
        var plist = rendered.Plist(mode);

        plist["RunAtLoad"].Should().Be(true);
        plist["KeepAlive"].Should().BeEquivalentTo(new Dictionary<string, object> { ["SuccessfulExit"] = false });
        plist["ThrottleInterval"].Should().Be(10L);
    }

    [Theory]
    [InlineData("daemon")]
    [InlineData("agent")]
    public void The_plist_gives_the_daemon_its_grace_period_and_shutdown_margin_before_launchd_sends_SIGKILL(string mode)
    {
        var plist = rendered.Plist(mode);

        var exitTimeOut = TimeSpan.FromSeconds((long)plist["ExitTimeOut"]);

        exitTimeOut.Should().BeGreaterThan(ShippedSettings.GracePeriod + ShippedSettings.DaemonShutdownMargin);
        exitTimeOut.Should().Be(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("daemon")]
    [InlineData("agent")]
    public void The_plist_keeps_launchd_from_throttling_the_server_as_a_background_job(string mode)
    {
        rendered.Plist(mode)["ProcessType"].Should().Be("Interactive");
    }

    [Theory]
    [InlineData("daemon")]
    [InlineData("agent")]
    public void The_plist_puts_the_working_directory_output_and_log_files_in_the_log_folder_the_installer_creates(string mode)
    {
        var plist = rendered.Plist(mode);
        var environment = (IReadOnlyDictionary<string, object>)plist["EnvironmentVariables"];

        plist["WorkingDirectory"].Should().Be(Sandbox.LogDir);
        plist["StandardOutPath"].Should().Be(Path.Combine(Sandbox.LogDir, "launchd.stdout.log"));
        plist["StandardErrorPath"].Should().Be(Path.Combine(Sandbox.LogDir, "launchd.stderr.log"));
        environment["MLXSUP_LOG_DIR"].Should().Be(Sandbox.LogDir);
        rendered.Run(mode).Commands.Should().Contain($"mkdir -p {Sandbox.LogDir}");
    }

    [Theory]
    [InlineData("daemon")]
    [InlineData("agent")]
    public void The_plist_gives_the_service_a_PATH_that_reaches_Homebrew_pyenv_and_pipx_and_the_users_HOME(string mode)
    {
        var environment = (IReadOnlyDictionary<string, object>)rendered.Plist(mode)["EnvironmentVariables"];

        var path = ((string)environment["PATH"]).Split(':');

        path.Should().ContainInOrder("/opt/homebrew/bin", "/usr/local/bin", Path.Combine(Sandbox.Home, ".pyenv", "shims"), Path.Combine(Sandbox.Home, ".local", "bin"));
        path.Should().EndWith(["/usr/bin", "/bin", "/usr/sbin", "/sbin"], "launchd's own PATH stays at the end");
        environment["HOME"].Should().Be(Sandbox.Home);
    }

    [Fact]
    public void The_daemon_plist_runs_the_server_as_the_user_who_installed_it()
    {
        var plist = rendered.Plist("daemon");

        plist["Label"].Should().Be("com.mlxsupervisor.daemon");
        plist["UserName"].Should().Be(Sandbox.User);
    }

    [Fact]
    public void The_agent_plist_has_its_own_label_and_no_user_name()
    {
        var plist = rendered.Plist("agent");

        plist["Label"].Should().Be("com.mlxsupervisor.agent");
        plist.Should().NotContainKey("UserName", "a LaunchAgent runs as the user whose session loads it");
    }
}
