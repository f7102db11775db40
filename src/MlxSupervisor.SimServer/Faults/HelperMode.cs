using MlxSupervisor.SimServer.Lifecycle;
using MlxSupervisor.SimServer.Options;
using MlxSupervisor.SimServer.Output;

namespace MlxSupervisor.SimServer.Faults;

/// <summary>The helper's whole life: sleep until a signal ends it (or forever, with <c>--helper-ignores-sigterm</c>).</summary>
internal static class HelperMode
{
    public static async Task<int> RunAsync(SimOptions options, SimConsole console)
    {
        using var signals = new ShutdownSignals(options.HelperIgnoresSigterm, "sim: helper", console);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, signals.Stopping);
        }
        catch (OperationCanceledException)
        {
            // Asked to stop.
        }

        return 0;
    }
}
