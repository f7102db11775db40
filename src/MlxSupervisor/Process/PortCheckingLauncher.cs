using MlxSupervisor.Configuration;

namespace MlxSupervisor.Process;

/// <summary>
/// Refuses to spawn while something already accepts connections on the server's port. A second server would
/// only fail to bind, or worse, load a model for nothing; the refusal goes through the supervisor's normal
/// failed-start path, so it backs off and the circuit opens instead of spawning in a tight loop.
/// </summary>
internal sealed class PortCheckingLauncher(IServerLauncher inner, Func<SupervisorOptions> options) : IServerLauncher
{
    public async Task<IServerProcess> StartAsync(ServerLaunchSpec spec, CancellationToken cancellationToken)
    {
        if (Uri.TryCreate(options().Health.Url, UriKind.Absolute, out var url) &&
            await PortWaiter.IsListeningAsync(url, cancellationToken))
        {
            var holder = PortOwners.Describe(url.Port) ?? "a process that could not be identified";
            throw new ServerStartException($"port {url.Port} is already in use by {holder}; not starting a second server");
        }
        return await inner.StartAsync(spec, cancellationToken);
    }
}
