using MlxSupervisor.Configuration;

namespace MlxSupervisor.Process;

/// <summary>What to start: an immutable copy of <see cref="ServerOptions"/> taken at spawn time.</summary>
public sealed record ServerLaunchSpec(
    string Command,
    IReadOnlyList<string> Arguments,
    string? WorkingDirectory,
    IReadOnlyDictionary<string, string?> Environment)
{
    public static ServerLaunchSpec From(ServerOptions options) => new(
        options.Command ?? "",
        [.. options.Arguments],
        string.IsNullOrWhiteSpace(options.WorkingDirectory) ? null : options.WorkingDirectory,
        new Dictionary<string, string?>(options.Environment, StringComparer.Ordinal));

    /// <summary>The lines of its output that mean the server is dead (<c>Health:FatalOutput</c>); null: none.</summary>
    public Health.FatalOutputMatcher? FatalOutput { get; init; }

    /// <summary>The PATH the server will see: its own override, else the daemon's.</summary>
    public string? EffectivePath =>
        Environment.TryGetValue("PATH", out var path) && path is not null ? path : System.Environment.GetEnvironmentVariable("PATH");
}
