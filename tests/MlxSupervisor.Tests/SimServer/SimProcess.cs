using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MlxSupervisor.Tests.Support;

namespace MlxSupervisor.Tests.SimServer;

/// <summary>
/// One mlx-sim-server, started from its apphost on a free loopback port with its stderr captured, and known to
/// be listening once <see cref="StartAsync"/> returns. Disposing it SIGKILLs whatever is left of it.
/// </summary>
public sealed class SimProcess : IAsyncDisposable
{
    private const string ListeningMarker = "sim: listening on ";

    private readonly System.Diagnostics.Process _process;
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SimProcess(int port, IEnumerable<string> flags, IReadOnlyDictionary<string, string> environment)
    {
        Port = port;
        var start = new ProcessStartInfo(Repo.SimServer)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        foreach (var flag in flags)
            start.ArgumentList.Add(flag);
        // Only what the spec says: no MLXSIM_* from the test run's own environment.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("MLXSIM_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(inherited);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        _process = new System.Diagnostics.Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith(ListeningMarker, StringComparison.Ordinal) == true)
                _listening.TrySetResult(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                _stderr.Enqueue(e.Data);
        };
        _process.Exited += (_, _) => _listening.TrySetException(
            new InvalidOperationException($"the sim exited before listening; stderr:\n{string.Join('\n', _stderr)}"));
        _process.EnableRaisingEvents = true;
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeouts.Wait };
    }

    public int Port { get; }

    public int Pid => _process.Id;

    /// <summary>A client on the sim's address; its requests time out after <see cref="Timeouts.Wait"/>.</summary>
    public HttpClient Client { get; }

    /// <summary>The stderr lines so far; complete once <see cref="WaitForExitAsync"/> returned.</summary>
    public IReadOnlyList<string> Stderr => _stderr.ToList();

    /// <summary>The listening line, as the sim printed it.</summary>
    public string ListeningLine => _listening.Task.Result;

    public static Task<SimProcess> StartAsync(params string[] flags) =>
        StartAsync(flags, new Dictionary<string, string>());

    public static async Task<SimProcess> StartAsync(IEnumerable<string> flags, IReadOnlyDictionary<string, string> environment)
    {
        var sim = new SimProcess(FreePort.Next(), flags, environment);
        try
        {
            await sim._listening.Task.WaitAsync(Timeouts.Wait);
            return sim;
        }
        catch
        {
            await sim.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for a stderr line containing <paramref name="fragment"/>.</summary>
    public async Task<string> WaitForStderrAsync(string fragment)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_stderr.FirstOrDefault(l => l.Contains(fragment, StringComparison.Ordinal)) is { } line)
                return line;
            if (deadline.Elapsed > Timeouts.Wait)
                throw new TimeoutException($"no stderr line with '{fragment}'; stderr:\n{string.Join('\n', _stderr)}");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits for the process to end, its pipes drained.</summary>
    /// <returns>Its exit code; 128 + n for a death by signal n.</returns>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(Timeouts.Wait);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public void KillWithSigkill() => _process.Kill();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
