using System.Collections.Concurrent;
using MlxSupervisor.Process;

namespace MlxSupervisor.Tests.Support;

/// <summary>Remembers every real server started, so a test can prove none is left behind.</summary>
public sealed class TrackingLauncher(IServerLauncher inner) : IServerLauncher
{
    private readonly ConcurrentQueue<IServerProcess> _started = new();

    public IReadOnlyList<IServerProcess> Started => [.. _started];

    public async Task<IServerProcess> StartAsync(ServerLaunchSpec spec, CancellationToken cancellationToken)
    {
        var process = await inner.StartAsync(spec, cancellationToken);
        _started.Enqueue(process);
        return process;
    }
}
