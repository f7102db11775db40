using System.Globalization;
using MlxSupervisor.Process;

namespace MlxSupervisor.Tests.Support;

/// <summary>
/// Daemons that count as one run: each started with a --config file and its own log folder, and tagged, with the
/// servers and helpers it starts, through <see cref="TagVariable"/> in their environment, so a test can find and
/// stop everything the run left, even after a daemon was SIGKILLed.
/// </summary>
public static class DaemonRun
{
    /// <summary>Every process started under this run carries it in its environment: the daemon, the servers, their helpers.</summary>
    public const string TagVariable = "MLXSUP_TEST_RUN";

    /// <param name="tag">Shared by daemons that should count as one run (a daemon and its successor).</param>
    public static DaemonProcess Start(string configFile, string logDirectory, string tag) =>
        new(["--config", configFile], new Dictionary<string, string> { [TagVariable] = tag }, logDirectory, ownStatusPort: false, ownStateDirectory: false);

    /// <summary>A config file for the simulated server on <paramref name="port"/>, with fast settings.</summary>
    public static string WriteConfig(TempDirectory dir, int port, string stateDirectory, IEnumerable<string> simArguments,
        string grace = "00:00:02", string restart = """{ "InitialDelay": "00:00:00.100", "MaxDelay": "00:00:00.400", "ResetAfter": "00:00:02" }""",
        string extraSections = "")
    {
        var args = string.Join(", ", new[] { "--port", port.ToString(CultureInfo.InvariantCulture) }.Concat(simArguments).Select(a => $"\"{a}\""));
        return dir.File("config.json", $$"""
            {
              "Supervisor": {
                "State": { "Directory": "{{stateDirectory}}" },
                "Server": { "Command": "{{Repo.SimServer}}", "Arguments": [ {{args}} ] },
                "Health": { "Url": "http://127.0.0.1:{{port}}/health", "Interval": "00:00:00.100", "Timeout": "00:00:00.080",
                            "StartupProbeInterval": "00:00:00.020", "StartupTimeout": "00:00:20" },
                "Restart": {{restart}},
                "CircuitBreaker": { "FailureThreshold": 1000, "SamplingWindow": "00:00:30", "BreakDuration": "00:00:01" },
                "Shutdown": { "GracePeriod": "{{grace}}" },
                "Proxy": { "Listen": "http://127.0.0.1:{{FreePort.Next()}}" }{{extraSections}}
              },
              "Status": { "Listen": "http://127.0.0.1:{{FreePort.Next()}}" }
            }
            """);
    }

    /// <summary>Live processes whose environment holds the tag, the daemons themselves included.</summary>
    public static IReadOnlyList<int> TaggedProcesses(string tag)
    {
        var marker = $"{TagVariable}={tag}";
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || !ProcessAssert.IsAlive(pid))
                continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Contains(marker))
                    found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return found;
    }

    /// <summary>SIGKILLs every tagged process a failed test left, and says which there were.</summary>
    public static IReadOnlyList<int> KillTagged(string tag)
    {
        var left = TaggedProcesses(tag);
        foreach (var pid in left)
            NativeMethods.Kill(pid, Signals.SIGKILL);
        return left;
    }
}
