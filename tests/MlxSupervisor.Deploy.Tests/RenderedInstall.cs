using FluentAssertions;
using MlxSupervisor.Deploy.Tests.Infrastructure;

namespace MlxSupervisor.Deploy.Tests;

/// <summary>One dry run of install.sh in each mode, shared by the specs that read what it renders.</summary>
public sealed class RenderedInstall : IAsyncLifetime
{
    public Sandbox Sandbox { get; } = new();

    public ScriptRun Daemon { get; private set; } = null!;

    public ScriptRun Agent { get; private set; } = null!;

    public ScriptRun Run(string mode) => mode == "daemon" ? Daemon : Agent;

    public string PlistPath(string mode) => mode == "daemon" ? Sandbox.DaemonPlist : Sandbox.AgentPlist;

    /// <summary>The plist the dry run of <paramref name="mode"/> would write, parsed.</summary>
    public IReadOnlyDictionary<string, object> Plist(string mode)
    {
        var run = Run(mode);
        run.ExitCode.Should().Be(0, "the dry run should succeed:\n{0}", run);
        run.WrittenFiles.Should().ContainKey(PlistPath(mode));
        return Infrastructure.Plist.Parse(run.WrittenFiles[PlistPath(mode)]);
    }

    public async Task InitializeAsync()
    {
        Sandbox.PutOnServicePath();
        Daemon = await Sandbox.InstallAsync("--dry-run", "--prefix", Sandbox.Prefix);
        Agent = await Sandbox.InstallAsync("--dry-run", "--agent", "--prefix", Sandbox.Prefix);
    }

    public Task DisposeAsync()
    {
        Sandbox.Dispose();
        return Task.CompletedTask;
    }
}
