namespace MlxSupervisor.FrontDoor;

/// <summary>Hands the front door's web app the daemon's loggers (Serilog), so its lines land in the daemon's log.</summary>
internal sealed class DaemonLoggerProvider(ILoggerFactory daemon) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => daemon.CreateLogger(categoryName);

    public void Dispose()
    {
        // The daemon owns its logger factory.
    }
}
