namespace MlxSupervisor.Configuration;

/// <summary>What the end of one server's life does to the others: <c>Fleet:Strategy</c>, as OTP's supervisors.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<FleetStrategy>))]
public enum FleetStrategy
{
    /// <summary>Nothing: one server's crash never touches another's process.</summary>
    OneForOne,

    /// <summary>Every AtBoot server is restarted when any of them exits or is declared dead: for servers that only work together.</summary>
    OneForAll,
}
