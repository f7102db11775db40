using FluentAssertions;
using MlxSupervisor.Deploy.Tests.Infrastructure;

namespace MlxSupervisor.Deploy.Tests;

/// <summary>install.sh checks first and stops with one clear line: not macOS, no .NET SDK, no server command on the service's PATH.</summary>
public sealed class InstallChecksSpecs : IDisposable
{
    private readonly Sandbox _sandbox = new();

    // A name no machine has, so the specs mean the same on a Mac with mlx_lm.server installed.
    private readonly string _server = "mlx-spec-server-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => _sandbox.Dispose();

    private string ConfigNaming(string command) =>
        _sandbox.Write(Path.Combine(_sandbox.Root, "server.json"), $$"""{ "Supervisor": { "Server": { "Command": "{{command}}" } } }""");

    [FactOffMac("on macOS the installer would really install", Timeout = 60_000)]
    public async Task Installing_off_macOS_without_dry_run_stops_with_one_clear_line_and_changes_nothing()
    {
        _sandbox.PutOnServicePath();
        var before = _sandbox.Snapshot();

        var run = await _sandbox.InstallAsync("--prefix", _sandbox.Prefix);

        run.ExitCode.Should().Be(1);
        run.Stderr.Should().StartWith("error: mlx-supervisor installs as a launchd service, which needs macOS, and this is ")
            .And.Contain("preview the steps with --dry-run")
            .And.EndWith("\n").And.Subject.Count(c => c == '\n').Should().Be(1);
        run.Stdout.Should().BeEmpty();
        _sandbox.Snapshot().Should().Equal(before);
    }

    [Fact(Timeout = 60_000)]
    public async Task Without_the_dotnet_SDK_even_a_dry_run_stops_with_one_clear_line()
    {
        _sandbox.PutOnServicePath();

        var run = await _sandbox.RunAsync("install.sh", new Dictionary<string, string?> { ["DOTNET"] = "/nonexistent/dotnet" }, "--dry-run", "--prefix", _sandbox.Prefix);

        run.ExitCode.Should().Be(1);
        run.Stderr.Should().Be("error: the .NET SDK is needed to build mlx-supervisor, and DOTNET=/nonexistent/dotnet is not a program\n");
        run.Stdout.Should().BeEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_dotnet_without_the_NET_10_SDK_is_refused_and_the_SDKs_it_has_are_named()
    {
        _sandbox.PutOnServicePath();
        var dotnet = _sandbox.WriteExecutable(Path.Combine(_sandbox.Root, "old-dotnet", "dotnet"), "#!/bin/sh\necho '8.0.404 [/usr/share/dotnet/sdk]'\n");

        var run = await _sandbox.RunAsync("install.sh", new Dictionary<string, string?> { ["DOTNET"] = dotnet }, "--dry-run", "--prefix", _sandbox.Prefix);

        run.ExitCode.Should().Be(1);
        run.Stderr.Should().Be($"error: mlx-supervisor needs the .NET 10 SDK, and {dotnet} has none (it has: 8.0.404)\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_server_command_missing_from_the_service_PATH_is_refused_by_name_even_when_the_callers_PATH_has_it()
    {
        var yours = _sandbox.WriteExecutable(Path.Combine(_sandbox.Root, "caller-bin", _server), "#!/bin/sh\n");
        var callerPath = Path.GetDirectoryName(yours) + ":" + Environment.GetEnvironmentVariable("PATH");

        var run = await _sandbox.RunAsync("install.sh", new Dictionary<string, string?> { ["PATH"] = callerPath },
            "--dry-run", "--prefix", _sandbox.Prefix, "--config", ConfigNaming(_server));

        run.ExitCode.Should().Be(1);
        run.Stderr.Should().StartWith($"error: the server command {_server} (Supervisor:Server:Command in {_sandbox.Root}/server.json) is not on the PATH the service will have (/opt/homebrew/bin:")
            .And.Contain($"your shell finds it at {yours}")
            .And.Subject.Count(c => c == '\n').Should().Be(1);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_server_command_in_the_users_pyenv_shims_passes_the_check()
    {
        _sandbox.PutOnServicePath(_server);

        var run = await _sandbox.InstallAsync("--dry-run", "--prefix", _sandbox.Prefix, "--config", ConfigNaming(_server));

        run.ExitCode.Should().Be(0, "{0}", run);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_command_check_reads_the_config_the_service_will_use_which_is_the_users_edited_one()
    {
        _sandbox.PutOnServicePath();
        Installed.Lay(_sandbox, config: $$"""{ "Supervisor": { "Server": { "Command": "{{_server}}" } } }""", shipped: Installed.OldDefaults);

        var run = await _sandbox.InstallAsync("--dry-run", "--prefix", _sandbox.Prefix);

        run.ExitCode.Should().Be(1);
        run.Stderr.Should().StartWith($"error: the server command {_server} (Supervisor:Server:Command in {_sandbox.Config}) is not on the PATH");
    }

    [Fact(Timeout = 60_000)]
    public async Task An_absolute_server_command_that_does_not_exist_is_refused()
    {
        var run = await _sandbox.InstallAsync("--dry-run", "--prefix", _sandbox.Prefix, "--config", ConfigNaming("/opt/nowhere/" + _server));

        run.ExitCode.Should().Be(1);
        run.Stderr.Should().Be($"error: the server command /opt/nowhere/{_server} (Supervisor:Server:Command in {_sandbox.Root}/server.json) is not an executable file\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task Skip_command_check_installs_without_the_server_command_on_the_PATH()
    {
        var run = await _sandbox.InstallAsync("--dry-run", "--prefix", _sandbox.Prefix, "--config", ConfigNaming(_server), "--skip-command-check");

        run.ExitCode.Should().Be(0, "{0}", run);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unknown_option_is_refused()
    {
        var run = await _sandbox.InstallAsync("--dry-run", "--prefx", "/opt");

        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Be("error: unknown option: --prefx (see --help)\n");
    }
}
