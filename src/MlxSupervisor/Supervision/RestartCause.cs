namespace MlxSupervisor.Supervision;

/// <summary>Why a life of the server ended, told with the spawn that replaces it: a short fixed word, and the message that says more.</summary>
/// <param name="Label">One of <see cref="Labels"/>: a metric label and a hook's MLXSUP_CAUSE.</param>
public sealed record RestartCause(string Label, string Message)
{
    public const string Exited = "exited";
    public const string Unhealthy = "unhealthy";
    public const string StartupTimeout = "startup-timeout";
    public const string SpawnFailed = "spawn-failed";
    public const string Operator = "operator";

    /// <summary>The server answered its health check but refused the first generation: the model failed to load.</summary>
    public const string StartupFailed = "startup-failed";

    /// <summary>A Running server failed a generation probe: no token within Health:Generation:Timeout, or an error.</summary>
    public const string GenerationProbe = "generation-probe";

    /// <summary>The server printed a line that matches Health:FatalOutput.</summary>
    public const string FatalOutput = "fatal-output";

    /// <summary>A stopped OnDemand server started again by a request for one of its models.</summary>
    public const string OnDemand = "on-demand";

    /// <summary>Fleet:Strategy OneForAll: another server of the fleet ended, and this one is restarted with it.</summary>
    public const string Peer = "peer";

    /// <summary>A restart asked for by a watcher of the server's health: the stall watchdog or the memory guard.</summary>
    public const string Requested = "requested";

    public static readonly IReadOnlyList<string> Labels =
        [Exited, Unhealthy, StartupTimeout, SpawnFailed, Operator, Requested, StartupFailed, GenerationProbe, FatalOutput, OnDemand, Peer];
}
