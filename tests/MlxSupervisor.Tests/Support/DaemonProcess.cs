using System.Collections.Concurrent;
using System.Diagnostics;
using MlxSupervisor.Process;

namespace MlxSupervisor.Tests.Support;

/// <summary>The real daemon, started from its apphost as a child process with its output captured.</summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    /// <param name="ownStatusPort">
    /// Gives the daemon's status endpoint a free port through Status__Listen, so daemons of parallel tests do not
    /// fight over 8090; false leaves Status:Listen to the settings file.
    /// </param>
    public DaemonProcess(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? logDirectory = null,
        bool ownStatusPort = true)
    {
        var start = new ProcessStartInfo(Repo.Daemon)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        LogDirectory = logDirectory ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlxsup-logs-" + Guid.NewGuid().ToString("N")[..8]);
        start.Environment["MLXSUP_LOG_DIR"] = LogDirectory;
        // Each daemon gets its own state directory (one daemon per directory, issue 6), beside its logs, and does
        // not watch its settings files.
        start.Environment["Supervisor__State__Directory"] = System.IO.Path.Combine(LogDirectory, "state");
        start.Environment["MLXSUP_RELOAD_ON_CHANGE"] = "0";
        if (ownStatusPort)
            start.Environment["Status__Listen"] = $"http://127.0.0.1:{FreePort.Next()}";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;

        _process = new System.Diagnostics.Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _stdout.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _stderr.Enqueue(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public string LogDirectory { get; }

    public IReadOnlyCollection<string> Stdout => _stdout;

    public IReadOnlyCollection<string> Stderr => _stderr;

    public string Dump() => "stdout:\n" + string.Join('\n', _stdout.TakeLast(40)) + "\nstderr:\n" + string.Join('\n', _stderr.TakeLast(20));

    /// <summary>Waits for a stdout line containing <paramref name="fragment"/> and returns it.</summary>
    public async Task<string> WaitForLine(string fragment, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            var line = _stdout.FirstOrDefault(l => l.Contains(fragment, StringComparison.Ordinal));
            if (line is not null)
                return line;
            if (_process.HasExited)
                break;
            await Task.Delay(20);
        }
        throw new TimeoutException($"No line with '{fragment}'.\n{Dump()}");
    }

    public void Signal(int signal) => NativeMethods.Kill(Pid, signal);

    /// <returns>The exit code, or null if it did not exit in time.</returns>
    public async Task<int?> WaitForExit(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(LogDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
