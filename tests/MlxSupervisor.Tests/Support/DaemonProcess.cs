using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MlxSupervisor.Process;

namespace MlxSupervisor.Tests.Support;

/// <summary>
/// The real daemon, started from its apphost as a child process with its output captured line by line. Disposing
/// it stops what is left of it: SIGTERM, so it stops its server itself, then SIGKILL to its whole tree.
/// </summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly SemaphoreSlim _newLine = new(0);
    private readonly bool _ownLogDirectory;

    /// <param name="logDirectory">Where its logs go; a folder of its own, deleted with it, when null.</param>
    /// <param name="ownStatusPort">
    /// Gives the daemon's status endpoint a free port through Status__Listen, so daemons of parallel tests do not
    /// fight over 8090; false leaves Status:Listen to the settings file.
    /// </param>
    /// <param name="ownStateDirectory">
    /// Gives the daemon a state directory beside its logs (one daemon per directory, issue 6); false leaves
    /// State:Directory to the settings file, for a daemon that follows another.
    /// </param>
    public DaemonProcess(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? logDirectory = null,
        bool ownStatusPort = true, bool ownStateDirectory = true)
    {
        var start = new ProcessStartInfo(Repo.Daemon)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        _ownLogDirectory = logDirectory is null;
        LogDirectory = logDirectory ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlxsup-logs-" + Guid.NewGuid().ToString("N")[..8]);
        start.Environment["MLXSUP_LOG_DIR"] = LogDirectory;
        start.Environment["MLXSUP_RELOAD_ON_CHANGE"] = "0";
        if (ownStateDirectory)
            start.Environment["Supervisor__State__Directory"] = System.IO.Path.Combine(LogDirectory, "state");
        if (ownStatusPort)
            start.Environment["Status__Listen"] = $"http://127.0.0.1:{FreePort.Next()}";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;

        _process = new System.Diagnostics.Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, _stdout);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, _stderr);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public string LogDirectory { get; }

    /// <summary>Every line, stdout and stderr, in the order they arrived.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    public IReadOnlyCollection<string> Stdout => _stdout;

    public IReadOnlyCollection<string> Stderr => _stderr;

    public bool HasExited => _process.HasExited;

    public string Dump() => "stdout:\n" + string.Join('\n', _stdout.TakeLast(60)) + "\nstderr:\n" + string.Join('\n', _stderr.TakeLast(20));

    /// <summary>The number after the first <c>pid=</c> in a log line.</summary>
    public static int PidIn(string line)
    {
        var start = line.IndexOf("pid=", StringComparison.Ordinal) + 4;
        var end = start;
        while (end < line.Length && char.IsAsciiDigit(line[end]))
            end++;
        return int.Parse(line[start..end], CultureInfo.InvariantCulture);
    }

    private void OnLine(string? line, ConcurrentQueue<string> stream)
    {
        if (line is null)
            return;
        stream.Enqueue(line);
        _lines.Enqueue(line);
        _newLine.Release();
    }

    /// <summary>Waits for a line containing <paramref name="fragment"/> after the first <paramref name="skip"/> lines, and returns it.</summary>
    public async Task<string> WaitForLine(string fragment, TimeSpan? within = null, int skip = 0)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        DateTime? exitSeen = null;
        while (true)
        {
            var line = _lines.Skip(skip).FirstOrDefault(l => l.Contains(fragment, StringComparison.Ordinal));
            if (line is not null)
                return line;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"No line with '{fragment}' from daemon {Pid}.\n{Dump()}");
            // An exited daemon writes nothing more once its pipes are drained; no need to wait out the bound.
            exitSeen ??= _process.HasExited ? DateTime.UtcNow : null;
            if (DateTime.UtcNow - exitSeen > TimeSpan.FromSeconds(1))
                throw new InvalidOperationException($"Daemon {Pid} exited without a line with '{fragment}'.\n{Dump()}");
            await _newLine.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
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
            Signal(Signals.SIGTERM);
            if (await WaitForExit(TimeSpan.FromSeconds(15)) is null)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
        _newLine.Dispose();
        if (!_ownLogDirectory)
            return;
        try
        {
            Directory.Delete(LogDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
