namespace MlxSupervisor.Deploy.Tests.Infrastructure;

/// <summary>Lays out what an earlier run of install.sh leaves behind, so a dry run can show an upgrade or an uninstall.</summary>
internal static class Installed
{
    public const string OldDefaults = """{ "Supervisor": { "Server": { "Command": "mlx_lm.server" }, "Shutdown": { "GracePeriod": "00:00:08" } } }""";

    /// <summary>
    /// The program, a config that was <paramref name="config"/> and the defaults it was shipped with
    /// (<paramref name="shipped"/>, none when null), log files and the plist of the given mode.
    /// </summary>
    public static void Lay(Sandbox sandbox, string config, string? shipped, bool agent = false)
    {
        sandbox.WriteExecutable(sandbox.Executable, "#!/bin/sh\n");
        sandbox.Write(Path.Combine(sandbox.AppDir, "appsettings.json"), OldDefaults);
        Directory.CreateDirectory(Path.GetDirectoryName(sandbox.BinLink)!);
        File.CreateSymbolicLink(sandbox.BinLink, sandbox.Executable);
        sandbox.Write(sandbox.Config, config);
        if (shipped is not null)
            sandbox.Write(sandbox.Config + ".shipped", shipped);
        sandbox.Write(Path.Combine(sandbox.LogDir, "mlx-supervisor-20260101.log"), "started pid=42\n");
        sandbox.Write(Path.Combine(sandbox.LogDir, "launchd.stderr.log"), "");
        sandbox.Write(agent ? sandbox.AgentPlist : sandbox.DaemonPlist, "<plist/>");
    }
}
