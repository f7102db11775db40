using System.Collections.Concurrent;
using MlxSupervisor.Health;

namespace MlxSupervisor.Tests.Support;

/// <summary>A probe that answers whatever the test has set: at once, or, like a hung server, only at its timeout.</summary>
public sealed class ScriptedHealthProbe(TimeProvider time) : IHealthProbe
{
    private readonly ConcurrentQueue<DateTimeOffset> _startedAt = new();
    private int _probes;

    public volatile string? Failure;

    /// <summary>When set, every probe waits out its timeout (on the harness's clock) and then fails, as against a stopped server.</summary>
    public volatile bool Hangs;

    public int Probes => Volatile.Read(ref _probes);

    /// <summary>Whether the server's port accepts connections; true by default, so probes go out at once.</summary>
    public volatile bool PortOpen = true;

    public int PortChecks => Volatile.Read(ref _portChecks);

    private int _portChecks;

    public Task<bool> IsListeningAsync(Uri url, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _portChecks);
        return Task.FromResult(PortOpen);
    }

    /// <summary>When each probe began, by the harness's clock.</summary>
    public IReadOnlyList<DateTimeOffset> StartedAt => [.. _startedAt];

    public Task<HealthProbeResult> ProbeAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _startedAt.Enqueue(time.GetUtcNow());
        var answer = Hangs ? TimesOutAsync(timeout, cancellationToken) : Task.FromResult(Answer());
        Interlocked.Increment(ref _probes);
        return answer;
    }

    private HealthProbeResult Answer() => Failure is { } failure ? HealthProbeResult.Failed(TimeSpan.Zero, failure) : HealthProbeResult.Ok(TimeSpan.Zero);

    private async Task<HealthProbeResult> TimesOutAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await Task.Delay(timeout, time, cancellationToken);
        return HealthProbeResult.Failed(timeout, $"timeout after {timeout.TotalSeconds:0.###} s");
    }
}
