using System.CommandLine;
using Microsoft.Extensions.Configuration;
using MlxSupervisor.Configuration;
using MlxSupervisor.Daemon;
using MlxSupervisor.Process;

namespace MlxSupervisor.Status.Cli;

/// <summary>
/// <c>mlx-supervisor logs [-f] [-n N] [NAME]</c>: a server's own log file, as <c>supervisorctl tail -f</c> and
/// <c>pm2 logs</c> show theirs (issue 14). It reads the files, not the daemon, so it works with the daemon stopped too.
/// </summary>
internal static class LogsCommand
{
    public const int DefaultLines = 20;

    /// <summary>An unknown server, no log file yet, or a bad <c>-n</c>.</summary>
    public const int Failed = 1;

    /// <summary>How often a followed file is looked at: a new line shows within this, as with <c>tail -f</c>'s one second, only sooner.</summary>
    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(200);

    public static Command Create()
    {
        var config = new Option<string?>("--config")
        {
            Description = "The same settings file the daemon runs with; the servers and the log limits are read from it.",
            HelpName = "PATH",
        };
        var follow = new Option<bool>("--follow", "-f") { Description = "Go on printing lines as the server writes them, across rolls, until Ctrl+C." };
        var lines = new Option<int>("--lines", "-n")
        {
            Description = "How many of the last lines to print first.",
            HelpName = "N",
            DefaultValueFactory = _ => DefaultLines,
        };
        var name = new Argument<string?>("NAME")
        {
            Description = "The server, as named under Supervisor:Servers; by default Fleet:DefaultServer, or the first.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("logs", "Print the last lines of a server's own log file (server.log in the log folder), or follow it with -f.")
        {
            config, follow, lines, name,
        };
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetValue(config), result.GetValue(name), result.GetValue(lines), result.GetValue(follow), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string? configPath, string? name, int count, bool follow, CancellationToken cancellationToken)
    {
        if (count < 0)
        {
            Console.Error.WriteLine($"mlx-supervisor: -n takes a number of lines, 0 or more; '{count}' is not one.");
            return Failed;
        }
        SupervisorOptions options;
        ServerLogSettings logs;
        try
        {
            var configuration = new ConfigurationManager();
            DaemonSettings.AddLayers(configuration, configPath, demo: false);
            options = SupervisorSettings.Load(configuration);
            logs = ServerLogSettings.Load(configuration);
        }
        catch (SettingsException e)
        {
            return DaemonSettings.ReportInvalid(e, Console.Error);
        }

        var server = name is null
            ? options.ServerNamed(options.Fleet.DefaultServer ?? "") ?? options.Servers[0]
            : options.ServerNamed(name);
        if (server is null)
        {
            Console.Error.WriteLine($"mlx-supervisor: no server is named '{name}'; the servers are: {string.Join(", ", options.Servers.Select(s => s.Name))}.");
            return Failed;
        }
        var path = logs.PathOf(server);
        using var tail = ServerLogTail.Open(path);
        if (tail is null)
        {
            Console.Error.WriteLine($"mlx-supervisor: server '{server.Name}' has no log yet: {path} does not exist (MLXSUP_LOG_DIR sets the folder).");
            return Failed;
        }

        await using var output = Console.OpenStandardOutput();
        tail.CopyLast(count, output);
        if (!follow)
            return CliExitCodes.Ok;
        using var timer = new PeriodicTimer(FollowInterval, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                tail.CopyNew(output);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM, the way out of following: System.CommandLine then exits 130 or 143, as tail -f would.
        }
        return CliExitCodes.Ok;
    }
}
