using System.Globalization;
using System.Text.Json;
using MlxSupervisor.Status;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Notify;

/// <summary>What a hook is told: as MLXSUP_* environment variables, and the same as JSON on its stdin.</summary>
/// <param name="Server">The server's name, as under <c>Supervisor:Servers</c>; "default" for the single server.</param>
/// <param name="Event">restart, declared-dead, circuit-open, circuit-closed or survivors (processes that outlived SIGKILL).</param>
/// <param name="Reason">What happened, in the supervisor's words.</param>
/// <param name="Cause">For a restart, why the previous server ended: exited, unhealthy, startup-timeout, spawn-failed, operator, requested.</param>
/// <param name="Pid">The server concerned: the new one for a restart.</param>
/// <param name="ExitCode">For a restart, how the previous server exited.</param>
public sealed record HookEvent(
    string Server,
    string Event,
    DateTimeOffset At,
    string Reason,
    string? Cause,
    string State,
    int? Pid,
    int? ExitCode,
    string? Signal,
    int Restarts,
    string Circuit,
    DateTimeOffset? ReopensAt)
{
    public const string Restart = "restart";
    public const string DeclaredDead = EventKinds.DeclaredDead;
    public const string CircuitOpen = EventKinds.CircuitOpen;
    public const string CircuitClosed = EventKinds.CircuitClosed;
    public const string Survivors = EventKinds.Survivors;

    /// <summary>The environment of the hook; an unknown value is an empty string, so scripts can test it with [ -n ].</summary>
    public IReadOnlyDictionary<string, string?> Environment() => new Dictionary<string, string?>
    {
        ["MLXSUP_SERVER"] = Server,
        ["MLXSUP_EVENT"] = Event,
        ["MLXSUP_AT"] = At.ToString("O", CultureInfo.InvariantCulture),
        ["MLXSUP_REASON"] = Reason,
        ["MLXSUP_CAUSE"] = Cause ?? "",
        ["MLXSUP_STATE"] = State,
        ["MLXSUP_PID"] = Pid?.ToString(CultureInfo.InvariantCulture) ?? "",
        ["MLXSUP_EXIT_CODE"] = ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "",
        ["MLXSUP_SIGNAL"] = Signal ?? "",
        ["MLXSUP_RESTARTS"] = Restarts.ToString(CultureInfo.InvariantCulture),
        ["MLXSUP_CIRCUIT"] = Circuit,
        ["MLXSUP_REOPENS_AT"] = ReopensAt?.ToString("O", CultureInfo.InvariantCulture) ?? "",
    };

    public string ToJson() => JsonSerializer.Serialize(this, StatusJson.Options);
}
