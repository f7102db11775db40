using Microsoft.Extensions.Configuration;
using MlxSupervisor.Configuration;

namespace MlxSupervisor.Daemon;

/// <summary>Where the daemon's settings come from, in order: shipped defaults, the demo layer, --config, environment.</summary>
public static class DaemonSettings
{
    public const string DefaultsFile = "appsettings.json";
    public const string DemoFile = "appsettings.Demo.json";

    /// <summary>Adds the layers to <paramref name="configuration"/>.</summary>
    /// <exception cref="SettingsException">A file is missing or not JSON.</exception>
    /// <param name="reloadOnChange">Watch the files and apply edits while running; off in tests but the one that proves it.</param>
    public static void AddLayers(IConfigurationBuilder configuration, string? userConfig, bool demo, bool reloadOnChange = false)
    {
        var files = new List<string> { Path.Combine(AppContext.BaseDirectory, DefaultsFile) };
        if (demo)
            files.Add(Path.Combine(AppContext.BaseDirectory, DemoFile));
        if (userConfig is not null)
            files.Add(Path.GetFullPath(userConfig));

        configuration.Add(new LayeredJsonConfigurationSource(files) { ReloadOnChange = reloadOnChange });
        if (demo)
        {
            // The simulated server is built beside the daemon; its path is only known at run time.
            configuration.AddInMemoryCollection([new("Supervisor:Server:Command", Path.Combine(AppContext.BaseDirectory, "mlx-sim-server"))]);
        }
        configuration.AddEnvironmentVariables();
    }

    /// <summary>MLXSUP_RELOAD_ON_CHANGE=0 turns the settings watcher off (tests that start many daemons spare inotify that way).</summary>
    public static bool ReloadOnChangeFromEnvironment() => Environment.GetEnvironmentVariable("MLXSUP_RELOAD_ON_CHANGE") is not ("0" or "false");

    /// <summary>Prints one line per problem, as the daemon and <c>validate-config</c> both do.</summary>
    /// <returns>The exit code for invalid settings.</returns>
    public static int ReportInvalid(SettingsException e, TextWriter error)
    {
        foreach (var line in e.Errors)
            error.WriteLine($"mlx-supervisor: invalid settings: {line}");
        return ExitCodes.InvalidConfig;
    }

    /// <summary>The folder the log files go to unless MLXSUP_LOG_DIR says otherwise.</summary>
    public static string DefaultLogDirectory() => OperatingSystem.IsMacOS()
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "Library", "Logs", "MlxSupervisor")
        : Path.Combine(Environment.CurrentDirectory, "logs");
}
