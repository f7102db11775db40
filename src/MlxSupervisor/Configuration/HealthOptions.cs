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

    /// <summary>The longest time between probes while the server starts. The first probe goes out at once after the
    /// spawn, the next ones at intervals that start at 25 ms and double up to this.</summary>
    /// <value>Default: 1 s.</value>
    public TimeSpan StartupProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>What makes a new server Running: a 2xx and then a first token (<c>Generation</c>), or a 2xx alone (<c>Health</c>).</summary>
    /// <value>Default: <see cref="ReadinessMode.Generation"/>.</value>
    public ReadinessMode Readiness { get; set; } = ReadinessMode.Generation;

    /// <summary>The generation probe.</summary>
    public GenerationProbeOptions Generation { get; set; } = new();

    /// <summary>
    /// .NET regular expressions matched against each line the server prints, on either stream; a match declares the
    /// server dead at once. Empty: off. The shipped appsettings.json holds MLX's fatal lines; the list is empty here
    /// because the configuration binder adds bound items to a list it finds filled.
    /// </summary>
    public IList<string> FatalOutput { get; set; } = [];

    /// <summary>Whether a generation probe decides readiness.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool ReadinessNeedsToken => Readiness == ReadinessMode.Generation && Generation.Enabled;
}
