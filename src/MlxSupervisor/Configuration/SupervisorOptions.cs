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

    /// <summary>The top-level <c>Status</c> section, bound beside this one by <see cref="SupervisorSettings.Load"/>.</summary>
    public Status.StatusOptions Status { get; set; } = new();

    /// <summary>The top-level <c>Notify</c> section, bound beside this one by <see cref="SupervisorSettings.Load"/>.</summary>
    public Notify.NotifyOptions Notify { get; set; } = new();
}
