using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlxSupervisor.Configuration;
using MlxSupervisor.Daemon;
using MlxSupervisor.Fleet;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Ledger;
using MlxSupervisor.Health;
using MlxSupervisor.Memory;
using MlxSupervisor.Notify;
using MlxSupervisor.Process;
using MlxSupervisor.Process.Adoption;
using MlxSupervisor.State;
using MlxSupervisor.Status;

using Serilog;

if (args is [ProcessGroupLauncher.Verb, .. var serverCommand])
    return ProcessGroupLauncher.Run(serverCommand);

return await DaemonCommand.Create(RunDaemonAsync).Parse(args).InvokeAsync();

static async Task<int> RunDaemonAsync(string? configPath, bool demo, CancellationToken cancellationToken)
{
    NativeMethods.TryCapMallocArenas();
    if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MLXSUP_LOG_DIR")))
        Environment.SetEnvironmentVariable("MLXSUP_LOG_DIR", DaemonSettings.DefaultLogDirectory());

    var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
    SupervisorOptions options;
    ServerLogSettings serverLogs;
    try
    {
        DaemonSettings.AddLayers(builder.Configuration, configPath, demo, DaemonSettings.ReloadOnChangeFromEnvironment());
        options = SupervisorSettings.Load(builder.Configuration);
        serverLogs = ServerLogSettings.Load(builder.Configuration);
    }
    catch (SettingsException e)
    {
        return DaemonSettings.ReportInvalid(e, Console.Error);
    }

    // One daemon per state directory; the lock lives as long as this process, and dies with it.
    var stateDirectory = StateOptions.Resolve(options.State.Directory);
    InstanceLock? instanceLock;
    try
    {
        instanceLock = InstanceLock.TryAcquire(stateDirectory, out var holder);
        if (instanceLock is null)
        {
            Console.Error.WriteLine($"mlx-supervisor: another daemon ({holder}) is already running with the state directory {stateDirectory}; exiting");
            return ExitCodes.AlreadyRunning;
        }
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"mlx-supervisor: invalid settings: {SupervisorOptions.SectionName}:State:Directory '{stateDirectory}' cannot be used: {e.Message}");
        return ExitCodes.InvalidConfig;
    }
    using var heldLock = instanceLock;
    var live = new LiveSupervisorOptions(options);

    builder.Services.AddSerilog((_, logger) => logger.ReadFrom.Configuration(builder.Configuration));
    builder.Services.AddSystemd();
    builder.Services.Configure<HostOptions>(host =>
    {
        host.ShutdownTimeout = options.Shutdown.GracePeriod + ShutdownOptions.HostMargin;
        host.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
    });
    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddSingleton<IProcessTable>(OperatingSystem.IsMacOS() ? new MacProcessTable() : new LinuxProcessTable());
    builder.Services.AddSingleton(live);
    builder.Services.AddSingleton<IServerMemoryReader>(sp => OperatingSystem.IsMacOS()
        ? new MacServerMemoryReader(sp.GetRequiredService<IProcessTable>())
        : new LinuxServerMemoryReader(sp.GetRequiredService<IProcessTable>()));
    builder.Services.AddSingleton<IProcessExitWatcher>(OperatingSystem.IsMacOS() ? new KqueueExitWatcher() : new PidfdExitWatcher());
    var probeClient = HttpHealthProbe.CreateClient();
    builder.Services.AddSingleton<IHealthProbe>(sp => new HttpHealthProbe(probeClient, sp.GetRequiredService<TimeProvider>()));
    builder.Services.AddSingleton<IGenerationProbe>(sp => new HttpGenerationProbe(probeClient, sp.GetRequiredService<TimeProvider>()));
    builder.Services.AddMetrics();
    builder.Services.AddSingleton(sp => new ServerUnitFactory(live, stateDirectory, sp.GetRequiredService<TimeProvider>(),
        sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<IProcessTable>(), sp.GetRequiredService<IProcessExitWatcher>(),
        sp.GetRequiredService<IServerMemoryReader>(), sp.GetRequiredService<IHealthProbe>(), sp.GetRequiredService<IGenerationProbe>(),
        serverLogs, sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
    builder.Services.AddSingleton(sp => new ServerFleet(sp.GetRequiredService<ServerUnitFactory>().Create, live,
        sp.GetRequiredService<ILoggerFactory>().CreateLogger("MlxSupervisor.Fleet")));
    builder.Services.AddSingleton(sp => new MemoryLedger(sp.GetRequiredService<IServerMemoryReader>(),
        new PeakFootprintStore(stateDirectory, sp.GetRequiredService<ILoggerFactory>().CreateLogger("MlxSupervisor.Ledger")), () => live.Current));
    builder.Services.AddSingleton(sp => new OnDemandStarts(() => sp.GetRequiredService<ServerFleet>().Units, sp.GetRequiredService<MemoryLedger>(),
        () => live.Current, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("MlxSupervisor.Fleet")));
    builder.Services.AddSingleton<MlxSupervisor.Status.Metrics.IResidentMemoryReader>(sp => new StatusMemoryReader(sp.GetRequiredService<IServerMemoryReader>()));
    builder.Services.AddStatusEndpoint(options.Status); // before the supervisor: see its doc
    builder.Services.AddEventHooks(options.Notify);
    builder.Services.AddHostedService(sp => new FleetHostedService(sp.GetRequiredService<ServerFleet>(), sp.GetRequiredService<IHostApplicationLifetime>(),
        sp.GetRequiredService<ILogger<FleetHostedService>>(), sp.GetRequiredService<MemoryLedger>(), sp.GetRequiredService<TimeProvider>()));
    if (builder.Configuration.Sources.OfType<LayeredJsonConfigurationSource>().Any(s => s.ReloadOnChange))
        builder.Services.AddHostedService(sp => new SettingsWatcher((IConfigurationRoot)builder.Configuration, live,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SettingsWatcher>>()));
    builder.Services.AddFrontDoor(options);

    using var host = builder.Build();
    var settingsLogger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MlxSupervisor.Settings");
    StartupLog.Settings(settingsLogger, stateDirectory, RedactedSettings.Describe(options));
    var hostOptions = host.Services.GetRequiredService<IOptions<HostOptions>>().Value;
    // The host reads ShutdownTimeout when it stops, so a reloaded grace period is honoured by the host too.
    live.Changed += (_, next) => hostOptions.ShutdownTimeout = next.Shutdown.GracePeriod + ShutdownOptions.HostMargin;
    try
    {
        if (!await host.Services.OpenFrontDoorAsync(cancellationToken))
            return ExitCodes.CannotListen;
        await host.RunAsync(cancellationToken);
    }
    finally
    {
        await Log.CloseAndFlushAsync();
    }
    return Environment.ExitCode;
}
