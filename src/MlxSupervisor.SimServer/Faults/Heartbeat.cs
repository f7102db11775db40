using MlxSupervisor.SimServer.Output;

namespace MlxSupervisor.SimServer.Faults;

/// <summary><c>--stdout-line-every-ms N</c>: a numbered stdout line every N ms, for log capture tests.</summary>
internal sealed class Heartbeat(int? everyMs, SimConsole console, TimeProvider time)
{
    public async Task RunAsync(CancellationToken stopping)
    {
        if (everyMs is not { } ms)
            return;

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(ms), time);
        var beat = 0;
        while (await timer.WaitForNextTickAsync(stopping))
            console.WriteLine($"sim: heartbeat {++beat:D6}");
    }
}
