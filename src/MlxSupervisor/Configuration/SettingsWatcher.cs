using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MlxSupervisor.Configuration;

/// <summary>
/// Applies edits of appsettings.json and the --config file while the daemon runs. Health, Restart, Shutdown,
/// Memory and the front door's limits (Proxy:MaxConcurrentRequests, QueueLimit, QueueTimeout, StallTimeout) apply
/// at once, CircuitBreaker at the next start; Server and Health:Url apply at the next restart of the server, since
/// the running one was started with the old ones; State, Proxy:Listen and Proxy:Enabled when the daemon restarts. An edit that does not parse or validate is refused with the same lines as at start-up,
/// and the running settings stay.
/// </summary>
/// <remarks>
/// Editors save in bursts (truncate, write, rename, chmod), so events are gathered for <see cref="Debounce"/>
/// before the files are read once.
/// </remarks>
public sealed partial class SettingsWatcher : BackgroundService
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);

    private static readonly string[] NextRestartSections = [nameof(SupervisorOptions.Server)];
    private static readonly string[] DaemonRestartSections =
        [nameof(SupervisorOptions.State), nameof(SupervisorOptions.Status), nameof(SupervisorOptions.Notify)];

    private readonly IConfigurationRoot _configuration;
    private readonly LiveSupervisorOptions _live;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LayeredJsonConfigurationProvider _files;
    private readonly SemaphoreSlim _changed = new(0);

    public SettingsWatcher(IConfigurationRoot configuration, LiveSupervisorOptions live, TimeProvider time, ILogger<SettingsWatcher> logger)
    {
        _configuration = configuration;
        _live = live;
        _time = time;
        _logger = logger;
        _files = configuration.Providers.OfType<LayeredJsonConfigurationProvider>().Single();
    }

    /// <summary>Raised after each reload attempt, applied or refused; tests wait on it.</summary>
    public event Action<bool>? Reloaded;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watches = new List<IDisposable>();
        try
        {
            foreach (var folder in _files.Files.GroupBy(Path.GetDirectoryName))
                watches.Add(Watch(folder.Key!, [.. folder.Select(file => Path.GetFileName(file))]));

            while (true)
            {
                await _changed.WaitAsync(stoppingToken);
                await Task.Delay(Debounce, _time, stoppingToken);
                while (_changed.Wait(0))
                {
                }
                Reload();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var watch in watches)
                watch.Dispose();
        }
    }

    /// <summary>
    /// One watcher per folder, on that folder alone: PhysicalFileProvider would watch the folder's whole subtree,
    /// which for a --config file in a home directory means an inotify watch on every folder below it. Saving by
    /// rename (vim, most editors) shows as Created or Renamed, hence every kind of event on the names counts.
    /// </summary>
    private FileSystemWatcher Watch(string folder, string[] names)
    {
        var watcher = new FileSystemWatcher(folder)
        {
            IncludeSubdirectories = false,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        void OnEvent(string? name)
        {
            if (name is not null && names.Contains(Path.GetFileName(name), StringComparer.Ordinal))
                _changed.Release();
        }
        watcher.Changed += (_, e) => OnEvent(e.Name);
        watcher.Created += (_, e) => OnEvent(e.Name);
        watcher.Deleted += (_, e) => OnEvent(e.Name);
        watcher.Renamed += (_, e) =>
        {
            OnEvent(e.Name);
            OnEvent(e.OldName);
        };
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    /// <summary>Reads the files again and swaps the settings if they validate.</summary>
    /// <returns>True when the new settings were applied.</returns>
    public bool Reload()
    {
        SupervisorOptions next;
        try
        {
            _files.Reload();
            next = SupervisorSettings.Load(_configuration);
        }
        catch (SettingsException e)
        {
            foreach (var error in e.Errors)
                Log.Invalid(_logger, error);
            Log.Kept(_logger);
            Reloaded?.Invoke(false);
            return false;
        }

        var previous = _live.Current;
        var changed = ChangedSections(previous, next);
        if (changed.Count == 0)
        {
            Reloaded?.Invoke(true);
            return true;
        }

        _live.Replace(next);
        Log.Applied(_logger, string.Join(", ", changed), RedactedSettings.Describe(next));
        var atRestart = changed.Intersect(NextRestartSections).ToList();
        if (previous.Health.Url != next.Health.Url)
            atRestart.Add("Health:Url");
        if (atRestart.Count > 0)
            Log.AtNextRestart(_logger, string.Join(", ", atRestart.Select(s => $"{SupervisorOptions.SectionName}:{s}")));
        var atDaemonRestart = changed.Intersect(DaemonRestartSections).ToList();
        // The front door's port is bound once; its limits apply at once (read per request by the front door).
        if (previous.Proxy.Listen != next.Proxy.Listen)
            atDaemonRestart.Add("Proxy:Listen");
        if (previous.Proxy.Enabled != next.Proxy.Enabled)
            atDaemonRestart.Add("Proxy:Enabled");
        foreach (var key in atDaemonRestart)
            Log.AtDaemonRestart(_logger, FullKey(key));
        Reloaded?.Invoke(true);
        return true;
    }

    /// <summary>Status and Notify are top-level sections; the rest sit under Supervisor.</summary>
    private static string FullKey(string key) => key is nameof(SupervisorOptions.Status) or nameof(SupervisorOptions.Notify)
        ? key
        : $"{SupervisorOptions.SectionName}:{key}";

    /// <summary>The names of the sections (Server, Health, ...) whose values differ.</summary>
    public static IReadOnlyList<string> ChangedSections(SupervisorOptions previous, SupervisorOptions next) =>
        [.. typeof(SupervisorOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod?.IsPublic == true && p.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is null)
            .Where(p => JsonSerializer.Serialize(p.GetValue(previous)) != JsonSerializer.Serialize(p.GetValue(next)))
            .Select(p => p.Name)];

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 80, EventName = "SettingsInvalid", Level = LogLevel.Error, Message = "invalid settings: {Error}")]
        public static partial void Invalid(ILogger logger, string error);

        [LoggerMessage(EventId = 81, EventName = "SettingsKept", Level = LogLevel.Warning,
            Message = "The edited settings were refused; the running settings stay in force")]
        public static partial void Kept(ILogger logger);

        [LoggerMessage(EventId = 82, EventName = "SettingsReloaded", Level = LogLevel.Information,
            Message = "Settings reloaded ({Sections} changed): {Settings}")]
        public static partial void Applied(ILogger logger, string sections, string settings);

        [LoggerMessage(EventId = 83, EventName = "SettingsAtNextRestart", Level = LogLevel.Warning,
            Message = "{Keys} changed: applies at the next restart of the server")]
        public static partial void AtNextRestart(ILogger logger, string keys);

        [LoggerMessage(EventId = 84, EventName = "SettingsAtDaemonRestart", Level = LogLevel.Warning,
            Message = "{Key} changed: applies when the daemon restarts")]
        public static partial void AtDaemonRestart(ILogger logger, string key);
    }
}
