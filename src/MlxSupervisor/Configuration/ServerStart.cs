namespace MlxSupervisor.Configuration;

/// <summary>When a server of the fleet runs: <c>Supervisor:Servers:NAME:Start</c>.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ServerStart>))]
public enum ServerStart
{
    /// <summary>Started with the daemon, and never stopped to make room for another.</summary>
    AtBoot,

    /// <summary>Started by the first request for one of its models; stopped after its IdleTimeout, or to make room.</summary>
    OnDemand,
}
