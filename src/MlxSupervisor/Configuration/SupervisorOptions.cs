namespace MlxSupervisor.Configuration;

/// <summary>Everything under <c>Supervisor</c> in appsettings.json.</summary>
public sealed class SupervisorOptions
{
    public const string SectionName = "Supervisor";

    public ServerOptions Server { get; set; } = new();

    public HealthOptions Health { get; set; } = new();

    public RestartOptions Restart { get; set; } = new();

    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    public ShutdownOptions Shutdown { get; set; } = new();

    public MemoryOptions Memory { get; set; } = new();

    public StateOptions State { get; set; } = new();

    public ProxyOptions Proxy { get; set; } = new();

    /// <summary>How the servers of <c>Servers</c> share the machine.</summary>
    public FleetOptions Fleet { get; set; } = new();

    /// <summary>
    /// The servers the daemon runs, built by <see cref="SupervisorSettings.Load"/>: those of <c>Supervisor:Servers</c>,
    /// or, without it, one named "default" whose options are these. Not bound: each entry's sections are laid over the
    /// top-level ones by <see cref="FleetSettings"/>.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<ServerSettings> Servers { get; internal set; } = [];

    /// <summary>True when the settings name their servers under <c>Supervisor:Servers</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsFleet => Servers is [{ IsSingle: false }, ..];

    /// <summary>The server named <paramref name="name"/>, or null.</summary>
    public ServerSettings? ServerNamed(string name) => Servers.FirstOrDefault(s => s.Name == name);

    /// <summary>The top-level <c>Status</c> section, bound beside this one by <see cref="SupervisorSettings.Load"/>.</summary>
    public Status.StatusOptions Status { get; set; } = new();

    /// <summary>The top-level <c>Notify</c> section, bound beside this one by <see cref="SupervisorSettings.Load"/>.</summary>
    public Notify.NotifyOptions Notify { get; set; } = new();
}
