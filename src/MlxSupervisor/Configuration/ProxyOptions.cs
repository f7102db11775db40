namespace MlxSupervisor.Configuration;

/// <summary>The front door clients talk to instead of the server: <c>Supervisor:Proxy</c>.</summary>
public sealed class ProxyOptions
{
    /// <summary>False: no front door, no port of the daemon's own; clients talk to the server directly.</summary>
    /// <value>Default: true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Where clients connect: the port they used before the server moved to its private one.</summary>
    /// <value>Default: <c>http://127.0.0.1:8080</c>.</value>
    public string? Listen { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Requests the server works on at once; more wait in the queue.</summary>
    /// <value>Default: 4, what one Mac serving a 32B model bears.</value>
    public int MaxConcurrentRequests { get; set; } = 4;

    /// <summary>Requests that may wait; one more is refused with 429.</summary>
    /// <value>Default: 64.</value>
    public int QueueLimit { get; set; } = 64;

    /// <summary>How long a request may wait for its turn and for the server to be up, before a 429.</summary>
    /// <value>Default: 5 min.</value>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Requests in flight and no byte from the server for this long: the server is wedged and is restarted.</summary>
    /// <value>Default: 2 min.</value>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
