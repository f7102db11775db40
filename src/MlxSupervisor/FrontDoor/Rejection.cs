namespace MlxSupervisor.FrontDoor;

/// <summary>Why the front door answered a request itself instead of forwarding it.</summary>
public enum Rejection
{
    /// <summary>429: the queue already holds Proxy:QueueLimit requests.</summary>
    QueueFull,

    /// <summary>429: no turn, or no healthy server, within Proxy:QueueTimeout.</summary>
    QueueTimeout,

    /// <summary>503: the restart circuit is open; nothing is spawned until the half-open trial.</summary>
    CircuitOpen,

    /// <summary>503: the daemon is stopping.</summary>
    ShuttingDown,

    /// <summary>503: the server failed a request before answering and did not come back within Proxy:QueueTimeout.</summary>
    ServerDown,

    /// <summary>503: the server is stopped, by an operator or by its Restart:Policy, and a request does not start it.</summary>
    ServerStopped,

    /// <summary>503: an OnDemand server cannot start, because the memory budget can never make room for it.</summary>
    InsufficientMemory,
}

internal static class RejectionNames
{
    /// <summary>429 for load, so clients back off and come back; 503 when the server is not there to serve.</summary>
    public static int StatusCode(this Rejection reason) =>
        reason is Rejection.QueueFull or Rejection.QueueTimeout ? StatusCodes.Status429TooManyRequests : StatusCodes.Status503ServiceUnavailable;

    /// <summary>The <c>error.type</c> of the response body, as OpenAI names them.</summary>
    public static string ErrorType(this Rejection reason) =>
        reason is Rejection.QueueFull or Rejection.QueueTimeout ? OpenAiError.BusyType : OpenAiError.ServerType;

    /// <summary>The metric tag and the <c>error.code</c> of the response body.</summary>
    public static string Code(this Rejection reason) => reason switch
    {
        Rejection.QueueFull => "queue_full",
        Rejection.QueueTimeout => "queue_timeout",
        Rejection.CircuitOpen => "circuit_open",
        Rejection.ShuttingDown => "shutting_down",
        Rejection.ServerDown => "server_unavailable",
        Rejection.ServerStopped => "server_stopped",
        Rejection.InsufficientMemory => "insufficient_memory",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
