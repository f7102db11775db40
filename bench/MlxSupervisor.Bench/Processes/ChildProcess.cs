using System.Diagnostics;

namespace MlxSupervisor.Bench.Processes;

/// <summary>A program the bench starts, with its output read line by line (or drained) as it comes.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly Task _stdout;
    private readonly Task _stderr;

    private ChildProcess(System.Diagnostics.Process process, Func<Stream, Task> stdout, Func<Stream, Task> stderr)
    {
        _process = process;
        _stdout = Task.Run(() => stdout(process.StandardOutput.BaseStream));
        _stderr = Task.Run(() => stderr(process.StandardError.BaseStream));
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <param name="onStdout">Called with each stdout line and the time it was read; null drains stdout unread.</param>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment,
        Action<string, DateTimeOffset>? onStdout, Action<string, DateTimeOffset>? onStderr)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}");
        return new ChildProcess(process, s => Pump(s, onStdout), s => Pump(s, onStderr));
    }

    public int Signal(int signal) => NativeMethods.Kill(Pid, signal);

    /// <returns>The exit code, or null if it did not exit within <paramref name="within"/>.</returns>
    public async Task<int?> WaitForExitAsync(TimeSpan within)
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
        await Task.WhenAny(Task.WhenAll(_stdout, _stderr), Task.Delay(TimeSpan.FromSeconds(2)));
        _process.Dispose();
    }

    private static async Task Pump(Stream stream, Action<string, DateTimeOffset>? onLine)
    {
        if (onLine is null)
        {
            // A drained pipe: read and discard, as fast as the kernel hands the bytes over.
            var buffer = new byte[64 * 1024];
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
            return;
        }
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync() is { } line)
            onLine(line, DateTimeOffset.UtcNow);
    }
}
