namespace MlxSupervisor.Configuration;

/// <summary>Where the daemon keeps what must outlive it: <c>Supervisor:State</c>.</summary>
public sealed class StateOptions
{
    /// <summary>Holds the instance lock and the record of the running server.</summary>
    /// <value>Default: null, which means <c>~/Library/Application Support/MlxSupervisor</c> on macOS, and
    /// <c>$XDG_STATE_HOME/mlx-supervisor</c> (or <c>./state</c> when XDG_STATE_HOME is unset) elsewhere.</value>
    public string? Directory { get; set; }

    /// <summary>The folder <paramref name="configured"/> names, or the platform's default.</summary>
    public static string Resolve(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
            return Path.GetFullPath(Environment.ExpandEnvironmentVariables(configured));
        if (OperatingSystem.IsMacOS())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "Library", "Application Support", "MlxSupervisor");
        return Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg
            ? Path.Combine(xdg, "mlx-supervisor")
            : Path.GetFullPath("state");
    }
}
