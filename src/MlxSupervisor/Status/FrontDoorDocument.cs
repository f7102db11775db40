namespace MlxSupervisor.Status;

/// <summary>The front door's figures of one server's requests, as GET /status shows them: counts, and waits in seconds.</summary>
/// <param name="InFlight">Requests forwarded to the server and not yet finished.</param>
/// <param name="Queued">Requests waiting for their turn.</param>
/// <param name="WaitingForServer">Requests whose turn has come, waiting for the server to be up.</param>
/// <param name="Admitted">Requests that got their turn with the server up.</param>
/// <param name="MeanQueueWaitSeconds">The mean wait of the admitted requests; 0 before the first.</param>
/// <param name="Rejected">Requests the front door answered itself, by cause, each cause named in camelCase
/// (<c>queueFull</c>, <c>queueTimeout</c>, <c>circuitOpen</c>, <c>shuttingDown</c>, <c>serverDown</c>,
/// <c>serverStopped</c>, <c>insufficientMemory</c>).</param>
/// <param name="AbandonedInQueue">Clients that went away while waiting.</param>
/// <param name="Retried">Requests sent again after the server refused or reset them before any byte reached the client.</param>
/// <param name="Failed">Requests that ended with an error from the front door or a cut stream.</param>
/// <param name="Stalls">Times the stall watchdog restarted the server.</param>
/// <param name="LastByteAt">When the server last sent a byte; null if never.</param>
public sealed record FrontDoorDocument(
    int InFlight,
    int Queued,
    int WaitingForServer,
    long Admitted,
    double MeanQueueWaitSeconds,
    double LongestQueueWaitSeconds,
    IReadOnlyDictionary<string, long> Rejected,
    long AbandonedInQueue,
    long Retried,
    long Failed,
    long Stalls,
    DateTimeOffset? LastByteAt);
