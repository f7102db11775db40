namespace MlxSupervisor.Supervision;

/// <summary>Where the supervisor of one server stands.</summary>
public enum SupervisorState
{
    /// <summary>Spawned, waiting for its first 2xx.</summary>
    Starting,

    /// <summary>Healthy.</summary>
    Running,

    /// <summary>Running, but the last probe failed; strikes are being counted.</summary>
    Unhealthy,

    /// <summary>SIGTERM sent, waiting for the processes to go.</summary>
    Stopping,

    /// <summary>Waiting out the restart delay.</summary>
    BackingOff,

    /// <summary>Too many failed restarts; nothing is spawned until the break ends.</summary>
    CircuitOpen,

    /// <summary>Not running and not going to be: the daemon is shutting down.</summary>
    Stopped,
}
