using System.Globalization;
using System.Text.Json;

namespace MlxSupervisor.Deploy.Tests.Infrastructure;

/// <summary>The daemon's shipped appsettings.json, which the installer installs, and the numbers the service files must respect.</summary>
internal static class ShippedSettings
{
    /// <summary>The daemon's own time past GracePeriod to flush its logs and exit (issue #2, item 7).</summary>
    public static readonly TimeSpan DaemonShutdownMargin = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromSeconds(10);

    /// <summary>
    /// src/MlxSupervisor/appsettings.json, or a copy of it in Fixtures/ while the daemon's file is not there yet.
    /// </summary>
    public static string DefaultsFile
    {
        get
        {
            var real = Repo.PathOf("src", "MlxSupervisor", "appsettings.json");
            return File.Exists(real) ? real : Repo.PathOf("tests", "MlxSupervisor.Deploy.Tests", "Fixtures", "appsettings.json");
        }
    }

    /// <summary>Supervisor:Shutdown:GracePeriod, 10 s when the file does not set it.</summary>
    public static TimeSpan GracePeriod
    {
        get
        {
            var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
            using var json = JsonDocument.Parse(File.ReadAllText(DefaultsFile), options);
            return json.RootElement.TryGetProperty("Supervisor", out var supervisor)
                && supervisor.TryGetProperty("Shutdown", out var shutdown)
                && shutdown.TryGetProperty("GracePeriod", out var grace)
                ? TimeSpan.Parse(grace.GetString()!, CultureInfo.InvariantCulture)
                : DefaultGracePeriod;
        }
    }
}
