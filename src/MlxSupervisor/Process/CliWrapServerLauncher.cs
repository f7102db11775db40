using CliWrap;
using Microsoft.Extensions.Logging;

namespace MlxSupervisor.Process;

/// <summary>Spawns the server through CliWrap, as the leader of its own process group.</summary>
internal sealed class CliWrapServerLauncher(ILoggerFactory loggerFactory, IProcessTable processTable, TimeProvider time) : IServerLauncher
{
    /// <summary>Lines held for the log before new ones are dropped; at ~100 bytes a line, about 20 MB at most.</summary>
    internal const int OutputBufferLines = 100_000;

    private readonly ILogger _serverLogger = loggerFactory.CreateLogger("MlxSupervisor.Server");

    public IServerProcess Start(ServerLaunchSpec spec)
    {
        var executable = CommandResolver.Resolve(spec.Command, spec.EffectivePath, spec.WorkingDirectory, out var problem)
            ?? throw new ServerStartException($"cannot run server command {problem}");
        var (fileName, arguments) = ProcessGroupLauncher.Wrap(executable, spec.Arguments);

        var gate = new ServerOutputGate();
        var command = Cli.Wrap(fileName)
            .WithArguments(arguments)
            .WithEnvironmentVariables(spec.Environment)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line => gate.Get().OnStdout(line)))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line => gate.Get().OnStderr(line)));
        if (spec.WorkingDirectory is not null)
            command = command.WithWorkingDirectory(spec.WorkingDirectory);

        // Cancelling this token is CliWrap's forceful kill of the direct child; it is only used to stop
        // waiting on pipes that a survivor of SIGKILL might hold, never as the way to stop a server.
        var pipes = new CancellationTokenSource();
        CommandTask<CommandResult> task;
        ServerOutput output;
        try
        {
            task = command.ExecuteAsync(pipes.Token);
            output = new ServerOutput(_serverLogger, task.ProcessId, OutputBufferLines);
            gate.Open(output);
        }
        catch (InvalidOperationException e)
        {
            pipes.Dispose();
            throw new ServerStartException($"cannot run server command '{executable}': {e.Message}");
        }

        return new CliWrapServerProcess(task, output, pipes, processTable, time);
    }
}
