using MlxSupervisor.Bench.Processes;

namespace MlxSupervisor.Bench.Subjects;

/// <summary>
/// An nginx the bench runs itself, in the foreground, from a config in a run's temp folder: the reverse proxy that the
/// front door is compared with. (The upstream nginx is the daemon's child, as a model server would be.)
/// </summary>
internal sealed class NginxUnderTest : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly List<string> _output = [];

    private NginxUnderTest(string executable, string[] arguments)
    {
        _process = ChildProcess.Start(executable, arguments, null, Keep, Keep);
    }

    /// <summary>The master's pid; its workers are its children.</summary>
    public int Pid => _process.Pid;

    /// <summary>Writes <paramref name="config"/> as NAME.conf in <paramref name="directory"/> and starts nginx on it.</summary>
    public static NginxUnderTest Start(string executable, string directory, string name, string config)
    {
        var path = Path.Combine(directory, $"{name}.conf");
        File.WriteAllText(path, config);
        Directory.CreateDirectory(Path.Combine(directory, $"{name}-temp"));
        return new NginxUnderTest(executable, NginxConfig.Arguments(directory, name, path));
    }

    /// <summary>Waits until <paramref name="url"/> answers 200 through it.</summary>
    public async Task WaitAnswersAsync(Uri url, TimeSpan within)
    {
        using var poller = new HealthPoller();
        var answered = poller.WaitHealthyAsync(url, within);
        while (!answered.IsCompleted)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"nginx exited before it answered {url}:\n{Output()}");
            await Task.WhenAny(answered, Task.Delay(50));
        }
        await answered;
    }

    public string Output()
    {
        lock (_output)
            return string.Join('\n', _output.TakeLast(20));
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM: nginx's fast shutdown, master and workers.
        if (!_process.HasExited)
            _process.Signal(Signals.SIGTERM);
        await _process.WaitForExitAsync(TimeSpan.FromSeconds(10));
        await _process.DisposeAsync();
    }

    private void Keep(string line, DateTimeOffset _)
    {
        lock (_output)
            _output.Add(line);
    }
}
