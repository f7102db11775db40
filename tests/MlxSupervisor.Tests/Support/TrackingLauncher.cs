using System.Collections.Concurrent;
using MlxSupervisor.Process;

namespace MlxSupervisor.Tests.Support;

/// <summary>Remembers every real server started, so a test can prove none is left behind.</summary>
public sealed class TrackingLauncher(IServerLauncher inner) : IServerLauncher
{
    private readonly ConcurrentQueue<IServerProcess> _started = new();

    public IReadOnlyList<IServerProcess> Started => [.. _started];

    public IServerProcess Start(ServerLaunchSpec spec)
    {
        var process = inner.Start(spec);
        _started.Enqueue(process);
        return process;
    }
}
