using MlxSupervisor.Supervision;

namespace MlxSupervisor.Tests.Support;

public static class SupervisorStatusWaits
{
    /// <summary>Waits, in real time but bounded, for the snapshot to satisfy <paramref name="condition"/>.</summary>
    /// <param name="context">What to add to the failure, besides the snapshot: the logs, say.</param>
    public static async Task<SupervisorSnapshot> WaitFor(this SupervisorStatus status, Func<SupervisorSnapshot, bool> condition, TimeSpan within,
        Func<string>? context = null)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await status.WaitForAsync(condition, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The supervisor did not reach the expected state within {within.TotalSeconds:0.#} s; it is {status.Current}" +
                (context is null ? "" : "\n" + context()));
        }
    }
}
