namespace MlxSupervisor.Ledger;

/// <summary>
/// When a server of the fleet is started (issue 13, "Per-server keys": <c>Start</c>). Defined here for the ledger's
/// decisions; it belongs wherever the fleet's settings end up.
/// </summary>
public enum StartPolicy
{
    /// <summary>Started with the daemon, and never stopped to make room for another server.</summary>
    AtBoot,

    /// <summary>Started by the first request for one of its models; may be stopped when idle, or for room.</summary>
    OnDemand,
}
