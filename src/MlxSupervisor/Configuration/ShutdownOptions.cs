namespace MlxSupervisor.Configuration;

/// <summary>How the server is stopped: <c>Supervisor:Shutdown</c>.</summary>
public sealed class ShutdownOptions
{
    /// <summary>Time between SIGTERM and SIGKILL.</summary>
    /// <value>Default: 10 s.</value>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How much longer than the grace period the host waits for the daemon to stop.</summary>
    internal static readonly TimeSpan HostMargin = TimeSpan.FromSeconds(5);
}
