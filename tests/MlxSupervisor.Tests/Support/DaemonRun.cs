using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MlxSupervisor.Process;

namespace MlxSupervisor.Tests.Support;

/// <summary>
/// The real daemon apphost, started with a --config file and its own state and log folders, its output
/// collected line by line. Disposing it SIGKILLs whatever is left of it and of the processes tagged with its
/// <see cref="Tag"/>, and reports them.
/// </summary>
public sealed class DaemonRun : IAsyncDisposable
{
    /// <summary>Every process started under this run carries it in its environment: the daemon, the servers, their helpers.</summary>
    public const string TagVariable = "MLXSUP_TEST_RUN";

    private readonly System.Diagnostics.Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _newLine = new(0);

    private DaemonRun(System.Diagnostics.Process process, string tag)
    {
        _process = process;
        Tag = tag;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Tag { get; }

    public int Pid => _process.Id;

    public IReadOnlyCollection<string> Lines => _lines;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <param name="tag">Shared by daemons that should count as one run (a daemon and its successor).</param>
    public static DaemonRun Start(string configFile, string logDirectory, string tag)
    {
        var info = new ProcessStartInfo(Repo.Daemon)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(configFile);
        info.Environment["MLXSUP_LOG_DIR"] = logDirectory;
        info.Environment["MLXSUP_RELOAD_ON_CHANGE"] = "0";
        info.Environment[TagVariable] = tag;
        return new DaemonRun(System.Diagnostics.Process.Start(info)!, tag);
    }

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

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        _lines.Enqueue(line);
        _newLine.Release();
    }

    /// <summary>Waits for a line containing <paramref name="fragment"/> after the first <paramref name="skip"/> lines.</summary>
    public async Task<string> WaitForLine(string fragment, TimeSpan? within = null, int skip = 0)
    {
        var deadline = DateTime.UtcNow + (within ?? Timeouts.Wait);
        DateTime? exitSeen = null;
        while (true)
        {
            var line = _lines.Skip(skip).FirstOrDefault(l => l.Contains(fragment, StringComparison.Ordinal));
            if (line is not null)
                return line;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"No line with '{fragment}' from daemon {Pid}:\n{Dump()}");
            // An exited daemon writes nothing more once its pipes are drained; no need to wait out the bound.
            exitSeen ??= _process.HasExited ? DateTime.UtcNow : null;
            if (DateTime.UtcNow - exitSeen > TimeSpan.FromSeconds(1))
                throw new InvalidOperationException($"Daemon {Pid} exited without a line with '{fragment}':\n{Dump()}");
            await _newLine.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public async Task<int> WaitForExit(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public void Signal(int signal) => NativeMethods.Kill(Pid, signal);

    public string Dump() => string.Join(Environment.NewLine, _lines.TakeLast(80));

    /// <summary>Live processes whose environment holds this run's tag, the daemon itself included.</summary>
    public IReadOnlyList<int> TaggedProcesses() => TaggedProcesses(Tag);

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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal(Signals.SIGTERM);
            try
            {
                await WaitForExit(TimeSpan.FromSeconds(15));
            }
            catch (OperationCanceledException)
            {
                Signal(Signals.SIGKILL);
            }
        }
        _process.Dispose();
        _newLine.Dispose();
    }
}
