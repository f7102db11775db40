namespace MlxSupervisor.Configuration;

/// <summary>The restart delay: <c>Supervisor:Restart</c>.</summary>
public sealed class RestartOptions
{
    /// <summary>Delay before the first restart after a failure; it doubles per consecutive failure.</summary>
    /// <value>Default: 2 s.</value>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <value>Default: 60 s.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Which ends of the server's life are followed by a new one.</summary>
    /// <value>Default: <see cref="RestartPolicy.Always"/>.</value>
    public RestartPolicy Policy { get; set; } = RestartPolicy.Always;

    /// <summary>How long a server must stay healthy before its start counts as a success.</summary>
    /// <value>Default: 60 s.</value>
    public TimeSpan ResetAfter { get; set; } = TimeSpan.FromMinutes(1);
}
