using MlxSupervisor.Health;

namespace MlxSupervisor.Tests.Support;

/// <summary>A probe that answers whatever the test has set, at once.</summary>
public sealed class ScriptedHealthProbe : IHealthProbe
{
    private int _probes;

    public volatile string? Failure;

    public int Probes => Volatile.Read(ref _probes);

    public Task<HealthProbeResult> ProbeAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _probes);
        var failure = Failure;
        return Task.FromResult(failure is null ? HealthProbeResult.Ok(TimeSpan.Zero) : HealthProbeResult.Failed(TimeSpan.Zero, failure));
    }
}
