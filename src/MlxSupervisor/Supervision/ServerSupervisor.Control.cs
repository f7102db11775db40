namespace MlxSupervisor.Supervision;

/// <summary>Requests from outside the loop: the status endpoint, the front door's stall watchdog, the memory guard.</summary>
public sealed partial class ServerSupervisor
{
    private readonly Lock _controlLock = new();
    private TaskCompletionSource<RestartRequest> _restartRequest = NewRestartSignal();
    private TaskCompletionSource _startRequest = NewStartSignal();
    private bool _held;

    /// <summary>
    /// Ends the life of a sick server (stalled, over its memory limit) through the normal path: graceful stop, then a
    /// restart that backs off and counts toward the circuit like a crash.
    /// </summary>
    public void RequestRestart(string reason) =>
        CurrentRestartSignal().TrySetResult(RestartRequest.Failure(RestartCause.Requested, reason));

    /// <summary>An operator's restart: graceful stop, then a new server at once; the circuit does not count it.</summary>
    public void RequestOperatorRestart(string reason) => CurrentRestartSignal().TrySetResult(RestartRequest.ByOperator(reason));

    /// <summary>Stops the server gracefully and spawns nothing until <see cref="RequestStart"/>.</summary>
    public void RequestStop(string reason)
    {
        lock (_controlLock)
            _held = true;
        CurrentRestartSignal().TrySetResult(RestartRequest.ByOperator(reason));
    }

    /// <summary>Ends a stop, or cuts a restart delay short.</summary>
    public void RequestStart()
    {
        TaskCompletionSource start;
        lock (_controlLock)
        {
            _held = false;
            start = _startRequest;
        }
        start.TrySetResult();
    }

    private bool IsHeld
    {
        get
        {
            lock (_controlLock)
                return _held;
        }
    }

    private TaskCompletionSource<RestartRequest> CurrentRestartSignal()
    {
        lock (_controlLock)
            return _restartRequest;
    }

    /// <summary>Called as a new life of the server begins: earlier requests were about the previous one.</summary>
    private void ResetControlSignals()
    {
        lock (_controlLock)
        {
            if (_restartRequest.Task.IsCompleted)
                _restartRequest = NewRestartSignal();
            if (_startRequest.Task.IsCompleted)
                _startRequest = NewStartSignal();
        }
    }

    private Task StartRequested
    {
        get
        {
            lock (_controlLock)
                return _startRequest.Task;
        }
    }

    private static TaskCompletionSource<RestartRequest> NewRestartSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource NewStartSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
