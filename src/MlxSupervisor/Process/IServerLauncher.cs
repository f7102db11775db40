namespace MlxSupervisor.Process;

/// <summary>Starts server processes. The unit tests script a fake; everything else uses <see cref="CliWrapServerLauncher"/>.</summary>
public interface IServerLauncher
{
    /// <exception cref="ServerStartException">The command cannot be found or run.</exception>
    IServerProcess Start(ServerLaunchSpec spec);
}

/// <summary>A spawn that failed before any process ran, such as a command that is not on PATH.</summary>
public sealed class ServerStartException(string message) : Exception(message);
