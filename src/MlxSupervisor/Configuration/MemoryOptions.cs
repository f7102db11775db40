namespace MlxSupervisor.Configuration;

/// <summary>The server's memory guard: <c>Supervisor:Memory</c>.</summary>
public sealed class MemoryOptions
{
    /// <summary>Above this for <see cref="Samples"/> samples in a row, the server is restarted gracefully.
    /// A size such as "100GB" or "512MB" (binary units: 1 GB = 1024 MB).</summary>
    /// <value>Default: null, no limit.</value>
    public string? MaxServerMemory { get; set; }

    /// <summary>Time between two samples of the server's memory.</summary>
    /// <value>Default: 5 s.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive samples above the limit that trigger a restart; one high sample may be a spike.</summary>
    /// <value>Default: 3.</value>
    public int Samples { get; set; } = 3;

    /// <summary>A warning is logged while the system's available memory is below this size.</summary>
    /// <value>Default: null, no warning.</value>
    public string? MinFreeSystemMemory { get; set; }

    /// <summary>The limit in bytes; null when unset. Call only on validated options.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long? MaxServerBytes => ByteSize.TryParse(MaxServerMemory, out var bytes) ? bytes : null;

    /// <summary>The warning threshold in bytes; null when unset. Call only on validated options.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long? MinFreeSystemBytes => ByteSize.TryParse(MinFreeSystemMemory, out var bytes) ? bytes : null;
}
