namespace MlxSupervisor.Configuration;

/// <summary>How the servers of <c>Supervisor:Servers</c> share the machine: <c>Supervisor:Fleet</c>.</summary>
public sealed class FleetOptions
{
    /// <summary>The memory the servers may hold together, a size such as "100GB"; their footprints are measured
    /// (phys_footprint on macOS, Metal buffers included; RSS on Linux).</summary>
    /// <value>Default: null, no budget.</value>
    public string? MemoryBudget { get; set; }

    /// <summary>The server of a request that names no model, or one no server lists.</summary>
    /// <value>Default: null: such a request gets 404 model_not_found (with a single server, it goes to that one).</value>
    public string? DefaultServer { get; set; }

    /// <summary>How long an OnDemand server runs before it may be stopped to make room for another.</summary>
    /// <value>Default: 30 s, so two servers asked for in turn do not unload each other on every request.</value>
    public TimeSpan MinResidency { get; set; } = TimeSpan.FromSeconds(30);

    /// <value>Default: <see cref="FleetStrategy.OneForOne"/>.</value>
    public FleetStrategy Strategy { get; set; } = FleetStrategy.OneForOne;

    /// <summary>The budget in bytes; null when unset. Call only on validated options.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long? MemoryBudgetBytes => ByteSize.TryParse(MemoryBudget, out var bytes) ? bytes : null;
}
