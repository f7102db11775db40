using System.Text.RegularExpressions;
using FluentAssertions;
using MlxSupervisor.Testing.Tools;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Tools;

/// <summary>
/// The rule behind every spec that needs a tool from outside the repo (issue 14, item 5): run it where it is,
/// skip naming the package where it is missing, and fail instead of skipping under CI.
/// </summary>
public sealed class ToolVerdictSpecs : IDisposable
{
    private static readonly RequiredTool Tool = new("mlxsup-fake-tool", "mlxsup-fake-package");

    private readonly TempDirectory _bin = new();
    private readonly TempDirectory _elsewhere = new();
    private readonly Dictionary<string, string?> _environment = [];

    public void Dispose()
    {
        _bin.Dispose();
        _elsewhere.Dispose();
    }

    [Fact]
    public void A_tool_on_PATH_is_found_and_run_from_there()
    {
        var tool = Executable(_bin, Tool.Name);
        _environment["PATH"] = $"{_elsewhere.Path}:{_bin.Path}";

        Verdict().Should().Be(new ToolVerdict.Found(tool));
    }

    [Fact]
    public void A_missing_tool_skips_the_spec_with_the_package_to_install()
    {
        _environment["PATH"] = _bin.Path;

        Verdict().Should().Be(new ToolVerdict.Skipped(
            "needs mlxsup-fake-tool (it is not on PATH): apt-get install mlxsup-fake-package, or set MLXSUP_TOOL_MLXSUP_FAKE_TOOL to its path"));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("1")]
    [InlineData("TRUE")]
    public void Under_CI_a_missing_tool_fails_the_spec_with_the_package_to_install(string ci)
    {
        _environment["PATH"] = _bin.Path;
        _environment["CI"] = ci;

        Verdict().Should().Be(new ToolVerdict.Failed(
            "needs mlxsup-fake-tool (it is not on PATH), and under CI a missing tool fails the spec rather than skip it: apt-get install mlxsup-fake-package; .ci/run installs it"));
    }

    [Theory]
    [InlineData("false")]
    [InlineData("0")]
    [InlineData("")]
    public void CI_set_to_false_or_empty_is_not_CI_and_the_spec_is_skipped(string ci)
    {
        _environment["CI"] = ci;

        Verdict().Should().BeOfType<ToolVerdict.Skipped>();
    }

    [Fact]
    public void Under_CI_a_tool_that_is_there_still_runs()
    {
        var tool = Executable(_bin, Tool.Name);
        _environment["PATH"] = _bin.Path;
        _environment["CI"] = "true";

        Verdict().Should().Be(new ToolVerdict.Found(tool));
    }

    [Fact]
    public void A_file_of_the_tool_s_name_that_is_not_executable_is_not_the_tool()
    {
        _bin.File(Tool.Name, "#!/bin/sh\n");
        _environment["PATH"] = _bin.Path;

        Verdict().Should().BeOfType<ToolVerdict.Skipped>();
    }

    [Fact]
    public void The_override_variable_names_a_tool_kept_off_PATH()
    {
        var tool = Executable(_elsewhere, "my-build-of-it");
        _environment["PATH"] = _bin.Path;
        _environment[Tool.OverrideVariable] = tool;

        Verdict().Should().Be(new ToolVerdict.Found(tool));
    }

    [Fact]
    public void An_override_naming_no_file_hides_the_tool_on_PATH_and_says_so()
    {
        Executable(_bin, Tool.Name);
        _environment["PATH"] = _bin.Path;
        _environment[Tool.OverrideVariable] = "/nonexistent/mlxsup-fake-tool";

        Verdict().Should().Be(new ToolVerdict.Skipped(
            "needs mlxsup-fake-tool (MLXSUP_TOOL_MLXSUP_FAKE_TOOL names /nonexistent/mlxsup-fake-tool, which is not an executable file): "
            + "apt-get install mlxsup-fake-package, or set MLXSUP_TOOL_MLXSUP_FAKE_TOOL to its path"));
    }

    [Fact]
    public void A_skip_verdict_stops_the_spec_as_skipped_with_its_reason()
    {
        var act = () => new ToolVerdict.Skipped("needs it: apt-get install it").PathOrThrow();

        act.Should().Throw<SkipException>().WithMessage("needs it: apt-get install it");
    }

    [Fact]
    public void A_fail_verdict_stops_the_spec_as_failed_not_skipped()
    {
        var act = () => new ToolVerdict.Failed("needs it: apt-get install it").PathOrThrow();

        act.Should().Throw<Exception>().Which.Should().BeOfType<MissingToolException>("[SkippableFact] reports only a SkipException as a skip")
            .Which.Message.Should().Be("needs it: apt-get install it");
    }

    [Fact]
    public void Every_tool_the_specs_need_is_installed_by_ci_run_and_named_in_the_README()
    {
        var ciRun = File.ReadAllText(Path.Combine(Repo.Root, ".ci", "run"));
        var readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));

        Testing.Tools.RequiredTools.All.Should().AllSatisfy(tool =>
        {
            ciRun.Should().MatchRegex($@"(?m)^for tool in .*(?<![\w-]){Regex.Escape(tool.Name)}:{Regex.Escape(tool.Package)}(?![\w-])",
                "a green CI has run the specs that need {0}", tool.Name);
            readme.Should().Contain($"`apt-get install {tool.Package}`", "the README says which package brings {0}", tool.Name);
        });
    }

    private ToolVerdict Verdict() => ToolVerdict.For(Tool, name => _environment.GetValueOrDefault(name));

    private static string Executable(TempDirectory dir, string name)
    {
        var path = dir.File(name, "#!/bin/sh\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return path;
    }
}
