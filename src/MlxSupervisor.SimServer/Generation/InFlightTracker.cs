namespace MlxSupervisor.SimServer.Generation;

/// <summary>
/// Counts generation requests from arrival until their response completes or aborts. The tests read it
/// through <c>/sim/stats</c> to prove a request never reached the server.
/// </summary>
internal sealed class InFlightTracker
{
    private readonly Lock _lock = new();
    private int _inFlight;
    private long _total;
    private int _peak;

    // Completed while nothing is in flight; replaced by a fresh one when the first request arrives.
    private TaskCompletionSource _idle = CompletedIdle();

    /// <returns>The number in flight, this request included.</returns>
    public int Enter()
    {
        lock (_lock)
        {
            _inFlight++;
            _total++;
            _peak = Math.Max(_peak, _inFlight);
            if (_inFlight == 1)
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _inFlight;
        }
    }

    public void Exit()
    {
        TaskCompletionSource? becameIdle = null;
        lock (_lock)
        {
            _inFlight--;
            if (_inFlight == 0)
                becameIdle = _idle;
        }

        becameIdle?.TrySetResult();
    }

    /// <summary>Completes once no generation request is in flight.</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        Task idle;
        lock (_lock)
            idle = _idle.Task;
        return idle.WaitAsync(cancellationToken);
    }

    public InFlightStats Snapshot()
    {
        lock (_lock)
            return new InFlightStats(_inFlight, _total, _peak);
    }

    private static TaskCompletionSource CompletedIdle()
    {
        var idle = new TaskCompletionSource();
        idle.SetResult();
        return idle;
    }
}
