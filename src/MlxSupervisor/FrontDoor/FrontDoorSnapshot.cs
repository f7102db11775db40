namespace MlxSupervisor.FrontDoor;

/// <summary>The front door's figures at one moment, for the status endpoint.</summary>
/// <param name="InFlight">Requests forwarded to the server and not yet finished.</param>
/// <param name="Queued">Requests waiting for their turn.</param>
/// <param name="WaitingForServer">Requests whose turn has come, waiting for the server to be up.</param>
/// <param name="Admitted">Requests that got their turn with the server up.</param>
/// <param name="TotalQueueWait">Time admitted requests spent waiting, added up; divide by <paramref name="Admitted"/> for the mean.</param>
/// <param name="LongestQueueWait">The longest wait of an admitted request.</param>
/// <param name="Rejected">Requests answered by the front door itself, by reason.</param>
/// <param name="AbandonedInQueue">Clients that went away while waiting; their requests never reached the server.</param>
/// <param name="Retried">Requests sent again after the server refused or reset them before any byte reached the client.</param>
/// <param name="Failed">Requests that ended with an error from the front door (502/503) or a cut stream.</param>
/// <param name="Stalls">Times the stall watchdog restarted the server.</param>
/// <param name="LastByteAt">When the server last sent a byte; null if never.</param>
public sealed record FrontDoorSnapshot(
    int InFlight,
    int Queued,
    int WaitingForServer,
    long Admitted,
    TimeSpan TotalQueueWait,
    TimeSpan LongestQueueWait,
    IReadOnlyDictionary<Rejection, long> Rejected,
    long AbandonedInQueue,
    long Retried,
    long Failed,
    long Stalls,
    DateTimeOffset? LastByteAt);
