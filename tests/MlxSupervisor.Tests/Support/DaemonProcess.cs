using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using FluentAssertions;
using MlxSupervisor.Process;

namespace MlxSupervisor.Tests.Support;

/// <summary>
/// The real daemon (mlx-supervisor) as a child process, its console lines collected. Disposing it stops it with
/// SIGTERM, as a service manager would, and fails the test if a server it started is still alive.
/// </summary>
public sealed partial class DaemonProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TempDirectory _logs = new();

    public DaemonProcess(params string[] arguments)
    {
        var start = new ProcessStartInfo(Repo.Daemon)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["MLXSUP_LOG_DIR"] = _logs.Path;
        _process = new System.Diagnostics.Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IReadOnlyCollection<string> Lines => _lines;

    public string Output => string.Join(Environment.NewLine, _lines);

    /// <summary>Servers the daemon said it started.</summary>
    public IEnumerable<int> ServerPids => _lines.Select(l => StartedPid().Match(l)).Where(m => m.Success)
        .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

    public async Task<string> WaitForLine(string fragment)
    {
        var deadline = DateTime.UtcNow + Timeouts.Wait;
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.FirstOrDefault(l => l.Contains(fragment, StringComparison.Ordinal)) is { } line)
                return line;
            if (_process.HasExited)
                break;
            await Task.Delay(20);
        }
        throw new TimeoutException($"The daemon never wrote '{fragment}':\n{Output}");
    }

    public async Task<int> WaitForExit()
    {
        await _process.WaitForExitAsync().WaitAsync(Timeouts.Wait);
        _process.WaitForExit(); // Drains the output readers.
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            NativeMethods.Kill(_process.Id, Signals.SIGTERM);
            if (!await ProcessAssert.EventuallyGone(_process.Id, TimeSpan.FromSeconds(20)))
                _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        _logs.Dispose();
        ServerPids.SelectMany(ProcessAssert.KillLeftovers).Should().BeEmpty("no server the daemon started may outlive it");
    }

    private void Collect(string? line)
    {
        if (line is not null)
            _lines.Enqueue(line);
    }

    [GeneratedRegex(@"Started pid=(\d+)")]
    private static partial Regex StartedPid();
}
