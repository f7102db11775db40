using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlxSupervisor.Configuration;
using MlxSupervisor.Daemon;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Health;
using MlxSupervisor.Notify;
using MlxSupervisor.Process;
using MlxSupervisor.Status;
using MlxSupervisor.Supervision;
using Serilog;

if (args is [ProcessGroupLauncher.Verb, .. var serverCommand])
    return ProcessGroupLauncher.Run(serverCommand);

return await DaemonCommand.Create(RunDaemonAsync).Parse(args).InvokeAsync();

static async Task<int> RunDaemonAsync(string? configPath, bool demo, CancellationToken cancellationToken)
{
    if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MLXSUP_LOG_DIR")))
        Environment.SetEnvironmentVariable("MLXSUP_LOG_DIR", DaemonSettings.DefaultLogDirectory());

    var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
    SupervisorOptions options;
    try
    {
        DaemonSettings.AddLayers(builder.Configuration, configPath, demo);
        options = SupervisorSettings.Load(builder.Configuration);
    }
    catch (SettingsException e)
    {
        return DaemonSettings.ReportInvalid(e, Console.Error);
    }

    builder.Services.AddSerilog((_, logger) => logger.ReadFrom.Configuration(builder.Configuration));
    builder.Services.AddSystemd();
    builder.Services.Configure<HostOptions>(host =>
    {
        host.ShutdownTimeout = options.Shutdown.GracePeriod + ShutdownOptions.HostMargin;
        host.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
    });
    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddSingleton<IProcessTable>(OperatingSystem.IsMacOS() ? new MacProcessTable() : new LinuxProcessTable());
    builder.Services.AddSingleton<IServerLauncher, CliWrapServerLauncher>();
    builder.Services.AddSingleton<IHealthProbe>(sp => new HttpHealthProbe(HttpHealthProbe.CreateClient(), sp.GetRequiredService<TimeProvider>()));
    builder.Services.AddSingleton(sp => new ServerSupervisor(
        () => options,
        sp.GetRequiredService<IServerLauncher>(),
        sp.GetRequiredService<IHealthProbe>(),
        sp.GetRequiredService<TimeProvider>(),
        sp.GetRequiredService<ILoggerFactory>().CreateLogger("MlxSupervisor.Supervisor"),
        sp.GetService<IServerActivity>()));
    builder.Services.AddStatusEndpoint(options.Status); // before the supervisor: see its doc
    builder.Services.AddEventHooks(options.Notify);
    builder.Services.AddHostedService<SupervisorHostedService>();
    builder.Services.AddFrontDoor(options);

    using var host = builder.Build();
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
