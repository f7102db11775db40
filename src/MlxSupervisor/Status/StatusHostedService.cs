using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Configuration;
using MlxSupervisor.Daemon;

namespace MlxSupervisor.Status;

/// <summary>
/// Runs the <see cref="StatusServer"/> for the life of the daemon. If it cannot listen, the daemon says so in one
/// line and exits non-zero: it is registered before the supervisor, so that happens before any server is spawned.
/// </summary>
internal sealed partial class StatusHostedService(StatusServer server, IHostApplicationLifetime lifetime, ILogger<StatusHostedService> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await server.StartAsync(cancellationToken);
        }
        catch (StatusListenException e)
        {
            LogCannotListen(logger, e.Address.ToString().TrimEnd('/'), e.Problem);
            Fail(ExitCodes.CannotListen);
        }
        catch (SettingsException e)
        {
            Fail(DaemonSettings.ReportInvalid(e, Console.Error));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);

    private void Fail(int exitCode)
    {
        Environment.ExitCode = exitCode;
        lifetime.StopApplication();
    }

    [LoggerMessage(EventId = 503, EventName = "StatusCannotListen", Level = LogLevel.Critical,
        Message = "Cannot listen on {Address} for the status endpoint (Status:Listen): {Problem}; exiting")]
    private static partial void LogCannotListen(ILogger logger, string address, string problem);
}
