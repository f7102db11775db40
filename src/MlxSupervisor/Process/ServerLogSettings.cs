using System.Globalization;
using Microsoft.Extensions.Configuration;
using MlxSupervisor.Configuration;
using MlxSupervisor.Daemon;

namespace MlxSupervisor.Process;

/// <summary>
/// Where each server's own output goes (issue 14): <c>server.log</c> in the log folder for the single server,
/// <c>server-NAME.log</c> for each server of a fleet, each rolled by size and kept within the limits of the daemon's
/// own rolling file, so one <c>Serilog</c> section says how much disk the logs may take.
/// </summary>
/// <param name="Directory">The log folder: <c>MLXSUP_LOG_DIR</c>, or the platform's default as the daemon uses it.</param>
/// <param name="FileSizeLimitBytes">The File sink's <c>fileSizeLimitBytes</c>: a file rolls before it would grow past it.</param>
/// <param name="RetainedFileCount">The File sink's <c>retainedFileCountLimit</c>: files kept, the one being written included.</param>
internal sealed record ServerLogSettings(string Directory, long FileSizeLimitBytes, int RetainedFileCount)
{
    public const string LogDirectoryVariable = "MLXSUP_LOG_DIR";

    /// <summary>Used when the File sink does not say: the limits <c>appsettings.json</c> ships with.</summary>
    public const long DefaultFileSizeLimitBytes = 50 * 1024 * 1024;

    /// <inheritdoc cref="DefaultFileSizeLimitBytes"/>
    public const int DefaultRetainedFileCount = 14;

    /// <summary>The server's log file: <c>server.log</c> for the single server, <c>server-NAME.log</c> in a fleet.</summary>
    public string PathOf(ServerSettings server) =>
        Path.Combine(Directory, server.IsSingle ? "server.log" : $"server-{server.Name}.log");

    /// <summary>The server's log file, to write; <paramref name="logger"/> hears when the file cannot be written.</summary>
    public RollingServerLog Open(ServerSettings server, Microsoft.Extensions.Logging.ILogger logger) =>
        new(PathOf(server), FileSizeLimitBytes, RetainedFileCount, logger);

    /// <summary>The folder and the limits, from the configured <c>Serilog:WriteTo</c> File sink's <c>Args</c>.</summary>
    /// <param name="directory">The log folder; by default <c>MLXSUP_LOG_DIR</c> or the platform's folder, as the daemon's own log uses.</param>
    /// <exception cref="SettingsException">A limit is there but not a positive whole number.</exception>
    public static ServerLogSettings Load(IConfiguration configuration, string? directory = null)
    {
        directory ??= Environment.GetEnvironmentVariable(LogDirectoryVariable) is { Length: > 0 } set ? set : DaemonSettings.DefaultLogDirectory();
        var file = configuration.GetSection("Serilog:WriteTo").GetChildren()
            .FirstOrDefault(sink => string.Equals(sink["Name"], "File", StringComparison.OrdinalIgnoreCase));
        var errors = new List<string>();
        var size = Limit(file, "fileSizeLimitBytes", DefaultFileSizeLimitBytes, errors);
        var count = Limit(file, "retainedFileCountLimit", DefaultRetainedFileCount, errors);
        if (count > int.MaxValue)
            errors.Add($"{file!.Path}:Args:retainedFileCountLimit '{count}' is too large.");
        if (errors.Count > 0)
            throw new SettingsException(errors);
        return new ServerLogSettings(Path.GetFullPath(directory), size, (int)count);
    }

    /// <summary>
    /// An absent or null limit takes the default: Serilog reads null as "no limit", but the server's output has no end
    /// of its own, so the server's files are never left to grow without one.
    /// </summary>
    private static long Limit(IConfigurationSection? sink, string name, long fallback, List<string> errors)
    {
        if (sink?.GetSection("Args")[name] is not { Length: > 0 } text)
            return fallback;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            return value;
        errors.Add($"{sink.Path}:Args:{name} '{text}' is not a positive whole number.");
        return fallback;
    }
}
