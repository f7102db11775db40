namespace MlxSupervisor.Notify;

/// <summary>The event hook: the top-level <c>Notify</c> section.</summary>
public sealed class NotifyOptions
{
    public const string SectionName = "Notify";

    /// <summary>The program to run on restart, declared dead, circuit opened or closed, and survivors of SIGKILL.</summary>
    /// <value>Default: none, so no hook runs.</value>
    public string? Command { get; set; }

    /// <summary>Its arguments; the event itself comes in MLXSUP_* environment variables and as JSON on stdin.</summary>
    /// <value>Default: none.</value>
    public List<string> Arguments { get; set; } = [];

    /// <summary>How long one run may take before its process group is killed.</summary>
    /// <value>Default: 10 s.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(Command);
}
