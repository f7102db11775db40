using FluentAssertions;
using MlxSupervisor.Deploy.Tests.Infrastructure;

namespace MlxSupervisor.Deploy.Tests;

/// <summary>
/// install.sh outside a dry run, on a fake Mac (see <see cref="FakeMac"/>): the files really land in the sandbox,
/// and launchctl is told the same things the dry run promises.
/// </summary>
public sealed class RealInstallSpecs : IDisposable
{
    private readonly Sandbox _sandbox = new();
    private readonly FakeMac _mac;

    public RealInstallSpecs()
    {
        _mac = new FakeMac(_sandbox);
        _sandbox.PutOnServicePath();
    }

    public void Dispose() => _sandbox.Dispose();

    private async Task InstallAsync()
    {
        var run = await _mac.RunAsync("install.sh");
        run.ExitCode.Should().Be(0, "the install should succeed:\n{0}", run);
    }

    [Fact(Timeout = 60_000)]
    public async Task Installing_lays_out_the_program_config_logs_and_plist_and_bootstraps_the_job()
    {
        await InstallAsync();

        File.Exists(_sandbox.Executable).Should().BeTrue();
        new FileInfo(_sandbox.BinLink).LinkTarget.Should().Be(_sandbox.Executable);
        File.ReadAllText(_sandbox.Config).Should().Be(File.ReadAllText(_sandbox.DefaultsFile));
        File.ReadAllText(_sandbox.Config + ".shipped").Should().Be(File.ReadAllText(_sandbox.DefaultsFile));
        Directory.Exists(_sandbox.LogDir).Should().BeTrue();
        Plist.Parse(File.ReadAllText(_mac.Plist))["ProgramArguments"].Should().BeEquivalentTo(
            new[] { _sandbox.Executable, "--config", _sandbox.Config }, o => o.WithStrictOrdering());
        _mac.Calls.Where(call => call.StartsWith("launchctl", StringComparison.Ordinal)).Should().Equal(
            $"launchctl print {_mac.Service}",
            $"launchctl enable {_mac.Service}",
            $"launchctl bootstrap {_mac.Service[.._mac.Service.LastIndexOf('/')]} {_mac.Plist}");
        Directory.EnumerateFileSystemEntries(_sandbox.Tmp).Should().BeEmpty("the build folder is removed at exit");
    }

    [Fact(Timeout = 60_000)]
    public async Task Re_running_boots_the_loaded_job_out_keeps_the_edited_config_and_bootstraps_it_again()
    {
        await InstallAsync();
        const string Edited = """{ "Supervisor": { "Health": { "FailureThreshold": 5 } } }""";
        File.WriteAllText(_sandbox.Config, Edited);
        File.WriteAllText(_sandbox.DefaultsFile, File.ReadAllText(_sandbox.DefaultsFile).Replace("00:00:10", "00:00:12", StringComparison.Ordinal));

        await InstallAsync();

        File.ReadAllText(_sandbox.Config).Should().Be(Edited);
        File.ReadAllText(_sandbox.Config + ".new").Should().Be(File.ReadAllText(_sandbox.DefaultsFile));
        _mac.Calls.Where(call => call.StartsWith("launchctl b", StringComparison.Ordinal)).Should().HaveCount(3)
            .And.Subject.Skip(1).First().Should().Be($"launchctl bootout {_mac.Service}");
        _mac.JobLoaded.Should().BeTrue();
    }

    [Fact(Timeout = 60_000)]
    public async Task Uninstalling_removes_the_job_and_the_program_and_keeps_the_config_and_the_logs()
    {
        await InstallAsync();
        _sandbox.Write(Path.Combine(_sandbox.LogDir, "mlx-supervisor-20260101.log"), "started\n");

        var run = await _mac.RunAsync("uninstall.sh");

        run.ExitCode.Should().Be(0, "{0}", run);
        _mac.JobLoaded.Should().BeFalse();
        File.Exists(_mac.Plist).Should().BeFalse();
        Directory.Exists(_sandbox.AppDir).Should().BeFalse();
        File.Exists(_sandbox.BinLink).Should().BeFalse();
        File.Exists(_sandbox.Config).Should().BeTrue();
        File.Exists(Path.Combine(_sandbox.LogDir, "mlx-supervisor-20260101.log")).Should().BeTrue();
    }

    [Fact(Timeout = 60_000)]
    public async Task Purging_removes_the_config_and_log_folders_too()
    {
        await InstallAsync();
        _sandbox.Write(Path.Combine(_sandbox.LogDir, "mlx-supervisor-20260101.log"), "started\n");

        var run = await _mac.RunAsync("uninstall.sh", "--purge");

        run.ExitCode.Should().Be(0, "{0}", run);
        Directory.Exists(_sandbox.ConfigDir).Should().BeFalse();
        Directory.Exists(_sandbox.LogDir).Should().BeFalse();
    }
}
