using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MlxSupervisor.Supervision;

/// <summary>Runs a <see cref="ServerSupervisor"/> for the life of the host.</summary>
public sealed partial class SupervisorHostedService(ServerSupervisor supervisor, IHostApplicationLifetime lifetime, ILogger<SupervisorHostedService> logger)
    : BackgroundService
{
    /// <summary>EX_SOFTWARE: the daemon itself failed, so launchd's KeepAlive should relaunch it.</summary>
    public const int FaultExitCode = 70;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await supervisor.RunAsync(stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // On .NET 10 a faulted BackgroundService stops the host but the process still exits 0, which
            // launchd would take as a clean exit and not relaunch.
            LogFault(logger, e);
            Environment.ExitCode = FaultExitCode;
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(EventId = 90, EventName = "SupervisorFaulted", Level = LogLevel.Critical, Message = "The supervisor failed; exiting so the service manager restarts the daemon")]
    private static partial void LogFault(ILogger logger, Exception exception);
}
