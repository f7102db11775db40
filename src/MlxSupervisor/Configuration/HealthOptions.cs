namespace MlxSupervisor.Configuration;

/// <summary>How the server's health is probed: <c>Supervisor:Health</c>.</summary>
public sealed class HealthOptions
{
    /// <value>Default: <c>http://127.0.0.1:8081/health</c>, the server's private port behind the front door.</value>
    public string? Url { get; set; }

    /// <summary>Time between probes once the server is healthy.</summary>
    /// <value>Default: 10 s.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one probe may take before it counts as a strike.</summary>
    /// <value>Default: 5 s.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive strikes that declare the server dead.</summary>
    /// <value>Default: 3.</value>
    public int FailureThreshold { get; set; } = 3;

    /// <summary>How long a freshly spawned server may take to answer its first 2xx.</summary>
    /// <value>Default: 5 min, since a 32B model takes a while to load.</value>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Time between probes while the server starts.</summary>
    /// <value>Default: 1 s.</value>
    public TimeSpan StartupProbeInterval { get; set; } = TimeSpan.FromSeconds(1);
}
