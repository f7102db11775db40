using System.CommandLine;

namespace MlxSupervisor.Daemon;

/// <summary>The command line: with no verb, run the daemon.</summary>
public static class DaemonCommand
{
    public static RootCommand Create(Func<string?, bool, CancellationToken, Task<int>> runDaemon)
    {
        var config = new Option<string?>("--config")
        {
            Description = "A JSON settings file layered over the shipped defaults; it may hold only the keys it changes.",
            HelpName = "PATH",
        };
        var demo = new Option<bool>("--demo")
        {
            Description = "Supervise the bundled simulated MLX server instead of mlx_lm.server.",
        };
        var root = new RootCommand("mlx-supervisor: keeps a local MLX API server alive.") { config, demo };
        root.SetAction((result, cancellationToken) => runDaemon(result.GetValue(config), result.GetValue(demo), cancellationToken));
        foreach (var verb in Status.Cli.StatusCommands.Create())
            root.Subcommands.Add(verb);
        return root;
    }
}
