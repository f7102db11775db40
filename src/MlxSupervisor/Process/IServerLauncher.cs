namespace MlxSupervisor.Process;

/// <summary>Starts server processes. The unit tests script a fake; everything else uses <see cref="CliWrapServerLauncher"/>.</summary>
public interface IServerLauncher
{
    /// <summary>
    /// Starts the server. Asynchronous because what comes before the spawn (is the port already taken, is a server
    /// already there to adopt) waits on sockets, and a supervisor must never block a pool thread on them: on a 2-core
    /// machine the pool starts with two, and the front door's requests run on the same pool.
    /// </summary>
    /// <exception cref="ServerStartException">The command cannot be found or run.</exception>
    Task<IServerProcess> StartAsync(ServerLaunchSpec spec, CancellationToken cancellationToken);
}

/// <summary>A spawn that failed before any process ran, such as a command that is not on PATH.</summary>
public sealed class ServerStartException(string message) : Exception(message);
