using CliWrap;
using Microsoft.Extensions.Logging;

namespace MlxSupervisor.Process;

/// <summary>Spawns the server through CliWrap, as the leader of its own process group.</summary>
/// <param name="serverLog">Where the server's output goes: its own log file (<see cref="RollingServerLog"/>), shared by its lives.</param>
internal sealed class CliWrapServerLauncher(ILoggerFactory loggerFactory, IProcessTable processTable, TimeProvider time, IServerLog serverLog) : IServerLauncher
{
    /// <summary>Server output held for the log before more is dropped: 200,000 lines of 80 characters fit twice.</summary>
    internal const long OutputBufferBytes = 32 * 1024 * 1024;

    private readonly ILogger _serverLogger = loggerFactory.CreateLogger("MlxSupervisor.Server");

    /// <remarks>
    /// The spawn itself is synchronous (fork and exec): nothing in it waits on I/O. A command that cannot be run
    /// comes back as a faulted task, as from the decorators that await, never as a throw from the call itself.
    /// </remarks>
    public Task<IServerProcess> StartAsync(ServerLaunchSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult(Spawn(spec));
        }
        catch (ServerStartException e)
        {
            return Task.FromException<IServerProcess>(e);
        }
    }

    private IServerProcess Spawn(ServerLaunchSpec spec)
    {
        var executable = CommandResolver.Resolve(spec.Command, spec.EffectivePath, spec.WorkingDirectory, out var problem)
            ?? throw new ServerStartException($"cannot run server command {problem}");
        var (fileName, arguments) = ProcessGroupLauncher.Wrap(executable, spec.Arguments);

        var output = new ServerOutput(serverLog, _serverLogger, OutputBufferBytes, time, spec.FatalOutput);
        var command = Cli.Wrap(fileName)
            .WithArguments(arguments)
            .WithEnvironmentVariables(spec.Environment)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(output.Stdout)
            .WithStandardErrorPipe(output.Stderr);
        if (spec.WorkingDirectory is not null)
            command = command.WithWorkingDirectory(spec.WorkingDirectory);

        // Cancelling this token is CliWrap's forceful kill of the direct child; it is only used to stop
        // waiting on pipes that a survivor of SIGKILL might hold, never as the way to stop a server.
        var pipes = new CancellationTokenSource();
        CommandTask<CommandResult> task;
        try
        {
            task = command.ExecuteAsync(pipes.Token);
            output.Attach(task.ProcessId);
        }
        catch (InvalidOperationException e)
        {
            pipes.Dispose();
            output.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw new ServerStartException($"cannot run server command '{executable}': {e.Message}");
        }

        return new CliWrapServerProcess(task, output, pipes, processTable, time);
    }
}
