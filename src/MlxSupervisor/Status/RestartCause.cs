namespace MlxSupervisor.Status;

/// <summary>Why a server was restarted, as a metric label: a short fixed word, and the message that says more.</summary>
/// <param name="Label">exited, unhealthy, startup-timeout, spawn-failed, operator or requested.</param>
public sealed record RestartCause(string Label, string Message)
{
    public const string Exited = "exited";
    public const string Unhealthy = "unhealthy";
    public const string StartupTimeout = "startup-timeout";
    public const string SpawnFailed = "spawn-failed";
    public const string Operator = "operator";
    public const string Requested = "requested";

    public static readonly IReadOnlyList<string> Labels = [Exited, Unhealthy, StartupTimeout, SpawnFailed, Operator, Requested];
}
