using MlxSupervisor.SimServer.Options;
using MlxSupervisor.SimServer.Output;

namespace MlxSupervisor.SimServer.Faults;

/// <summary><c>--crash-after-ms N --exit-code C</c>: dies N ms after starting to listen.</summary>
internal sealed class CrashTimer(SimOptions options, SimConsole console, TimeProvider time)
{
    /// <param name="flood">
    /// The stdout flood, awaited first: "flood then crash" must deliver every flood line, or a test of the
    /// supervisor's log capture could not tell our loss from its own.
    /// </param>
    public async Task RunAsync(Task flood, CancellationToken stopping)
    {
        if (options.CrashAfterMs is not { } afterMs)
            return;

        await Task.Delay(TimeSpan.FromMilliseconds(afterMs), time, stopping);
        // WhenAny waits without rethrowing: a flood that failed (stdout closed) must not cancel the crash.
        await Task.WhenAny(flood);
        console.FlushStdout();
        console.Error($"sim: crashing with exit code {options.ExitCode}");
        SelfTermination.Terminate(options.ExitCode);
    }
}
