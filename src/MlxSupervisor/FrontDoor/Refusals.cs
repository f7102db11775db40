using MlxSupervisor.Supervision;

namespace MlxSupervisor.FrontDoor;

/// <summary>The front door's refusals, each with what the client reads and when it should come back.</summary>
internal static class Refusals
{
    /// <summary>When a client refused for load should come back; the OpenAI SDKs back off further on their own.</summary>
    internal static readonly TimeSpan BusyRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>When a client refused because the daemon is stopping should come back: a service manager's restart.</summary>
    internal static readonly TimeSpan ShutdownRetryAfter = TimeSpan.FromSeconds(5);

    public static RejectedLease QueueFull() =>
        new(Rejection.QueueFull, BusyRetryAfter, "The server is busy and the queue is full. Retry later.");

    public static RejectedLease QueueTimeout(TimeSpan queueTimeout) =>
        new(Rejection.QueueTimeout, BusyRetryAfter, $"No turn with a healthy server within the queue timeout of {queueTimeout.TotalSeconds:0.###} s. Retry later.");

    public static RejectedLease ShuttingDown() =>
        new(Rejection.ShuttingDown, ShutdownRetryAfter, "The supervisor is shutting down.");

    public static RejectedLease ServerGone(TimeSpan waited) =>
        new(Rejection.ServerDown, BusyRetryAfter, $"The server failed before answering and was not back within {waited.TotalSeconds:0.###} s.");

    /// <summary>When a client refused for want of memory should come back: a swap or an idle stop may have made room by then.</summary>
    internal static readonly TimeSpan MemoryRetryAfter = TimeSpan.FromSeconds(30);

    public static RejectedLease ServerStopped(string server, string why) =>
        new(Rejection.ServerStopped, ShutdownRetryAfter, $"The server {server} is stopped ({why}); a request does not start it.");

    public static RejectedLease InsufficientMemory(string message) =>
        new(Rejection.InsufficientMemory, MemoryRetryAfter, $"Not enough memory to start the server: {message}.");

    /// <summary>Retry-After is the time left until the breaker lets the half-open trial start.</summary>
    public static RejectedLease CircuitOpen(SupervisorSnapshot snapshot, DateTimeOffset now)
    {
        var reopensAt = snapshot.CircuitReopensAt ?? snapshot.NextRestartAt ?? now;
        var left = reopensAt - now;
        return new(Rejection.CircuitOpen, left > TimeSpan.Zero ? left : TimeSpan.Zero,
            $"The server failed to restart too often; the next try is at {reopensAt.UtcDateTime:HH:mm:ss} UTC.");
    }
}
