using System.Diagnostics;
using FluentAssertions;
using MlxSupervisor.Deploy.Tests.Infrastructure;
using MlxSupervisor.Testing.Tools;

namespace MlxSupervisor.Deploy.Tests;

/// <summary>The scripts in deploy/ are shellcheck-clean and can be run as they are.</summary>
public sealed class ShellcheckSpecs
{
    private static IReadOnlyList<string> Scripts =>
        [.. Directory.EnumerateFiles(Repo.PathOf("deploy"), "*.sh", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    [SkippableFact(Timeout = 120_000)]
    public async Task Every_script_in_deploy_passes_shellcheck()
    {
        var tool = RequiredTools.Shellcheck.Require();
        Scripts.Should().NotBeEmpty();
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["--external-sources", "--severity=style", .. Scripts])
            start.ArgumentList.Add(argument);

        using var shellcheck = Process.Start(start)!;
        var output = shellcheck.StandardOutput.ReadToEndAsync();
        var errors = shellcheck.StandardError.ReadToEndAsync();
        await shellcheck.WaitForExitAsync();

        shellcheck.ExitCode.Should().Be(0, "shellcheck found:\n{0}{1}", await output, await errors);
    }

    [Fact]
    public void Every_script_in_deploy_is_executable()
    {
        Scripts.Should().AllSatisfy(script => File.GetUnixFileMode(script).Should().HaveFlag(UnixFileMode.UserExecute, "{0} is run as deploy/{1}", script, Path.GetFileName(script)));
    }
}
