namespace MlxSupervisor.Deploy.Tests.Infrastructure;

/// <summary>
/// Stand-ins for the macOS tools install.sh calls, put first on its PATH so that it runs for real, outside a dry
/// run, inside a sandbox on Linux: uname says Darwin, launchctl records its calls and remembers whether the job
/// is loaded, dotnet "publishes" a script, chown only records (there is no wheel group here), and plutil fails
/// so the installer reads the config with its sed fallback.
/// </summary>
internal sealed class FakeMac
{
    private readonly Sandbox _sandbox;

    public FakeMac(Sandbox sandbox)
    {
        _sandbox = sandbox;
        Tool("uname", """case "$1" in -m) echo arm64 ;; *) echo Darwin ;; esac""");
        Tool("sysctl", "echo 1");
        Tool("plutil", "exit 1");
        Tool("chown", $"""echo "chown $*" >> '{CallLog}'""");
        Tool("launchctl", $"""
            echo "launchctl $*" >> '{CallLog}'
            case "$1" in
              print) [ -e '{LoadedMarker}' ] ;;
              bootstrap) touch '{LoadedMarker}' ;;
              bootout) rm -f '{LoadedMarker}' ;;
            esac
            """);
        Tool("dotnet", """
            case "$1" in
              --list-sdks) echo '10.0.100 [/fake/sdk]' ;;
              publish)
                while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done
                printf '#!/bin/sh\necho mlx-supervisor\n' > "$out/mlx-supervisor"
                chmod 755 "$out/mlx-supervisor"
                echo '{}' > "$out/appsettings.json" ;;
            esac
            """);
    }

    public string Bin => Path.Combine(_sandbox.Root, "fake-mac-bin");

    public string CallLog => Path.Combine(_sandbox.Root, "fake-mac-calls.log");

    private string LoadedMarker => Path.Combine(_sandbox.Root, "fake-mac-job-loaded");

    public bool JobLoaded => File.Exists(LoadedMarker);

    /// <summary>The launchctl and chown calls so far, one per line.</summary>
    public IReadOnlyList<string> Calls => File.Exists(CallLog) ? File.ReadAllLines(CallLog) : [];

    /// <summary>
    /// Runs deploy/<paramref name="script"/> for real. As root it installs the LaunchDaemon, as anyone else the
    /// LaunchAgent, since the installer insists on exactly that.
    /// </summary>
    public Task<ScriptRun> RunAsync(string script, params string[] arguments) =>
        _sandbox.RunAsync(
            script,
            new Dictionary<string, string?>
            {
                ["PATH"] = Bin + ":" + Environment.GetEnvironmentVariable("PATH"),
                ["DOTNET"] = Path.Combine(Bin, "dotnet"),
            },
            [.. arguments, .. Mode == "agent" ? ["--agent"] : Array.Empty<string>(), "--prefix", _sandbox.Prefix]);

    public static string Mode => UnixUser.Id == 0 ? "daemon" : "agent";

    public string Plist => Mode == "daemon" ? _sandbox.DaemonPlist : _sandbox.AgentPlist;

    public string Service => Mode == "daemon" ? "system/com.mlxsupervisor.daemon" : $"gui/{UnixUser.Id}/com.mlxsupervisor.agent";

    private void Tool(string name, string body) =>
        _sandbox.WriteExecutable(Path.Combine(Bin, name), "#!/bin/sh\n" + body + "\n");
}
