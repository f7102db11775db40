namespace MlxSupervisor.Health;

/// <summary>Asks the server whether it is healthy. Never throws for a sick server; that is a failed result.</summary>
public interface IHealthProbe
{
    Task<HealthProbeResult> ProbeAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Whether anything accepts connections on <paramref name="url"/>'s port yet: a connection attempt, no request.</summary>
    Task<bool> IsListeningAsync(Uri url, CancellationToken cancellationToken);
}
