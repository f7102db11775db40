using Xunit;

namespace MlxSupervisor.Testing.Tools;

/// <summary>
/// A program from outside the repo that a spec runs, and the Debian package that brings it. A spec that needs one
/// is a <c>[SkippableFact]</c> whose first line is <c>var path = RequiredTools.X.Require();</c>: on a machine with
/// only the .NET SDK the spec reports "skipped" with the package to install, so a fresh clone's <c>dotnet test</c>
/// passes; under <c>CI=true</c> it fails instead, so CI can never pass by skipping (issue 14, item 5).
/// </summary>
/// <param name="Name">The program's file name, looked for on PATH.</param>
/// <param name="Package">The Debian package that installs it.</param>
internal sealed record RequiredTool(string Name, string Package)
{
    /// <summary>
    /// Names the program's path instead of PATH: for a tool kept elsewhere (a Chromium on a Mac), and for seeing
    /// the skip at work by pointing it at a path that does not exist.
    /// </summary>
    public string OverrideVariable => "MLXSUP_TOOL_" + Name.ToUpperInvariant().Replace('-', '_');

    /// <summary>The tool's path; a <see cref="SkipException"/> where it is missing, a failure under CI.</summary>
    public string Require() => ToolVerdict.For(this, Environment.GetEnvironmentVariable).PathOrThrow();
}
