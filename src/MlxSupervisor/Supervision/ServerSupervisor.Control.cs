namespace MlxSupervisor.Supervision;

/// <summary>Requests from outside the loop: the status endpoint, the front door's stall watchdog, the memory guard.</summary>
public sealed partial class ServerSupervisor
{
    private readonly Lock _controlLock = new();
    private TaskCompletionSource<RestartRequest> _restartRequest = NewRestartSignal();
    private TaskCompletionSource _startRequest = NewStartSignal();
    private StopReason? _hold;

    /// <summary>
    /// Ends the life of a sick server (stalled, over its memory limit) through the normal path: graceful stop, then a
    /// restart that backs off and counts toward the circuit like a crash.
    /// </summary>
    public void RequestRestart(string reason) =>
        CurrentRestartSignal().TrySetResult(RestartRequest.Failure(RestartCause.Requested, reason));

    /// <summary>An operator's restart: graceful stop, then a new server at once; the circuit does not count it.</summary>
    public void RequestOperatorRestart(string reason) => CurrentRestartSignal().TrySetResult(RestartRequest.ByOperator(reason));

    /// <summary>Stops the server gracefully and spawns nothing until <see cref="RequestStart"/>.</summary>
    public void RequestStop(string reason) => RequestStop(new StopReason(StopKind.Operator, reason));

    /// <summary>Stops the server gracefully, for <paramref name="why"/>, and spawns nothing until <see cref="RequestStart"/>; not a failure.</summary>
    public void RequestStop(StopReason why)
    {
        lock (_controlLock)
            _hold = why;
        CurrentRestartSignal().TrySetResult(RestartRequest.ByOperator(why.Reason));
    }

    /// <summary>
    /// Before <see cref="RunAsync"/>: the server is not started until <see cref="RequestStart"/>, as an OnDemand
    /// server of the fleet waits for the first request for one of its models.
    /// </summary>
    public void HoldUntilStarted(string reason)
    {
        lock (_controlLock)
            _hold = new StopReason(StopKind.NotStarted, reason);
    }

    /// <summary>Ends a stop, or cuts a restart delay short.</summary>
    public void RequestStart()
    {
        TaskCompletionSource start;
        lock (_controlLock)
        {
            _hold = null;
            start = _startRequest;
        }
        start.TrySetResult();
    }

    /// <summary>Another server of the fleet ended (Fleet:Strategy OneForAll): a graceful restart at once, not this one's failure.</summary>
    public void RequestPeerRestart(string reason) =>
        CurrentRestartSignal().TrySetResult(new RestartRequest(reason, CountsAsFailure: false, new RestartCause(RestartCause.Peer, reason)));

    /// <summary>Why the server is held stopped, or is being stopped to be held; null when it is to run.</summary>
    public StopReason? HeldFor => Hold;

    private StopReason? Hold
    {
        get
        {
            lock (_controlLock)
                return _hold;
        }
    }

    private bool IsHeld => Hold is not null;

    /// <summary>Holds the server stopped after a life that Restart:Policy does not follow with another.</summary>
    private void HoldForPolicy(string reason)
    {
        lock (_controlLock)
            _hold ??= new StopReason(StopKind.Policy, reason);
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
