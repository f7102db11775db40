namespace MlxSupervisor.Configuration;

/// <summary>Which ends of a server's life are followed by a new one: <c>Restart:Policy</c>, as Kubernetes' restartPolicy.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<RestartPolicy>))]
public enum RestartPolicy
{
    /// <summary>Every end: the server is kept running.</summary>
    Always,

    /// <summary>Every end but a clean exit 0, which leaves it Stopped and is not a failure.</summary>
    OnFailure,

    /// <summary>No end: any exit, or a death the daemon declares, leaves it Stopped.</summary>
    Never,
}
