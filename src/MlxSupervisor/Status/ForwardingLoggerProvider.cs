using Microsoft.Extensions.Logging;

namespace MlxSupervisor.Status;

/// <summary>
/// Sends the status web host's logs to the daemon's logger factory (so they reach the same Serilog sinks),
/// while the web host keeps its own filters. Disposing it leaves the daemon's factory alone.
/// </summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory daemon) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => daemon.CreateLogger(categoryName);

    public void Dispose()
    {
    }
}
