using System.Collections.Concurrent;
using System.Diagnostics;
using MlxSupervisor.Process;

namespace MlxSupervisor.Tests.Support;

/// <summary>
/// The simulated server started as a user would start it by hand: a plain child of the test, not of any
/// supervisor, in the test's own process group. Disposing it kills it if it still runs.
/// </summary>
public sealed class HandStartedServer : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="environment">Faults set the way the simulated server also reads them, so the arguments stay the configured ones.</param>
    public HandStartedServer(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Repo.SimServer)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        _process = new System.Diagnostics.Process { StartInfo = start, EnableRaisingEvents = true };
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException("it exited before it listened\n" + Dump()));
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public IReadOnlyCollection<string> Lines => _lines;

    public bool Printed(string fragment) => _lines.Any(l => l.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Waits, bounded, for a line with <paramref name="fragment"/>, and returns it.</summary>
    public async Task<string> WaitForLine(string fragment)
    {
        var deadline = DateTime.UtcNow + Timeouts.Wait;
        while (true)
        {
            if (_lines.FirstOrDefault(l => l.Contains(fragment, StringComparison.Ordinal)) is { } line)
                return line;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No line with '{fragment}'.\n{Dump()}");
            await Task.Delay(20);
        }
    }

    public string Dump() => $"hand-started server {Pid}:\n" + string.Join('\n', _lines.TakeLast(40));

    /// <summary>Completes once it listens on its port.</summary>
    public Task Listening => _listening.Task.WaitAsync(Timeouts.Wait);

    /// <returns>Whether it exited within <paramref name="within"/>.</returns>
    public async Task<bool> Exits(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Kill() => NativeMethods.Kill(Pid, Signals.SIGKILL);

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        _lines.Enqueue(line);
        if (line.Contains("sim: listening", StringComparison.Ordinal))
            _listening.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
