using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MlxSupervisor.Fleet;

/// <summary>Runs the <see cref="ServerFleet"/> for the life of the host.</summary>
/// <param name="ledger">Measures the servers for the memory budget; null when the daemon has no use for it (tests).</param>
public sealed partial class FleetHostedService(ServerFleet fleet, IHostApplicationLifetime lifetime, ILogger<FleetHostedService> logger,
    Ledger.MemoryLedger? ledger = null, TimeProvider? time = null)
    : BackgroundService
{
    /// <summary>EX_SOFTWARE: the daemon itself failed, so launchd's KeepAlive should relaunch it.</summary>
    public const int FaultExitCode = 70;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var measuring = ledger?.RunAsync(() => fleet.Units, time ?? TimeProvider.System, stoppingToken) ?? Task.CompletedTask;
            await fleet.RunAsync(stoppingToken);
            await measuring;
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
