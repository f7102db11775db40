namespace MlxSupervisor.Configuration;

/// <summary>The server process to supervise: <c>Supervisor:Server</c>.</summary>
public sealed class ServerOptions
{
    /// <summary>The executable, resolved on PATH when it has no slash.</summary>
    /// <value>Default: <c>mlx_lm.server</c> (from appsettings.json).</value>
    public string? Command { get; set; }

    /// <summary>Arguments as a list, never one shell string, so nothing is re-split or globbed.</summary>
    public IList<string> Arguments { get; set; } = [];

    /// <value>Default: null, the daemon's own working directory.</value>
    public string? WorkingDirectory { get; set; }

    /// <summary>Variables merged over the daemon's own environment.</summary>
    public IDictionary<string, string?> Environment { get; set; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>
    /// Whether the first start supervises a server that already runs on the port of <c>Health:Url</c> (the same
    /// command and arguments, answering with a 2xx) instead of refusing to start a second one. Later starts
    /// always spawn.
    /// </summary>
    /// <value>Default: <see cref="ServerAdoption.IfSame"/>.</value>
    public ServerAdoption Adopt { get; set; } = ServerAdoption.IfSame;
}
