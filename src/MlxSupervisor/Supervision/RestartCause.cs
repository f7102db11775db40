namespace MlxSupervisor.Supervision;

/// <summary>Why a life of the server ended, told with the spawn that replaces it: a short fixed word, and the message that says more.</summary>
/// <param name="Label">exited, unhealthy, startup-timeout, spawn-failed, operator or requested: a metric label and a hook's MLXSUP_CAUSE.</param>
public sealed record RestartCause(string Label, string Message)
{
    public const string Exited = "exited";
    public const string Unhealthy = "unhealthy";
    public const string StartupTimeout = "startup-timeout";
    public const string SpawnFailed = "spawn-failed";
    public const string Operator = "operator";

    /// <summary>A restart asked for by a watcher of the server's health: the stall watchdog or the memory guard.</summary>
    public const string Requested = "requested";

    public static readonly IReadOnlyList<string> Labels = [Exited, Unhealthy, StartupTimeout, SpawnFailed, Operator, Requested];
}
