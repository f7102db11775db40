using System.CommandLine;
using System.Net;
using MlxSupervisor.Configuration;
using MlxSupervisor.Daemon;

namespace MlxSupervisor.Status.Cli;

/// <summary>The verbs that talk to a running daemon, and validate-config.</summary>
public static class StatusCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Status();
        yield return Control("restart", "Restart the server gracefully through the daemon (needs the Status token).");
        yield return Control("stop", "Stop the server and keep it stopped until 'start' (needs the Status token).");
        yield return Control("start", "Start a stopped server, or cut a restart delay short (needs the Status token).");
        yield return ValidateConfig();
        yield return LogsCommand.Create();
    }

    private static Option<string?> ConfigOption() => new("--config")
    {
        Description = "The same settings file the daemon runs with; Status:Listen and the token are read from it.",
        HelpName = "PATH",
    };

    private static Command Status()
    {
        var config = ConfigOption();
        var json = new Option<bool>("--json") { Description = "Print the daemon's JSON instead of the table." };
        var command = new Command("status", "Show the supervisor's state. Exit 0 when the server is Running, 1 when not, 2 when the daemon cannot be reached.")
        {
            config, json,
        };
        command.SetAction((result, cancellationToken) => StatusAsync(result.GetValue(config), result.GetValue(json), cancellationToken));
        return command;
    }

    private static Command Control(string action, string description)
    {
        var config = ConfigOption();
        var command = new Command(action, description) { config };
        command.SetAction((result, cancellationToken) => ControlAsync(action, result.GetValue(config), cancellationToken));
        return command;
    }

    private static Command ValidateConfig()
    {
        var config = ConfigOption();
        var demo = new Option<bool>("--demo") { Description = "Check the settings as the daemon's --demo mode would layer them." };
        var command = new Command("validate-config", "Check the settings as the daemon would: exit 0, or 78 with one line per problem.") { config, demo };
        command.SetAction(result =>
        {
            if (VerbSettings.Load(result.GetValue(config), result.GetValue(demo), Console.Error) is null)
                return ExitCodes.InvalidConfig;
            Console.Out.WriteLine("mlx-supervisor: settings are valid");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<int> StatusAsync(string? configPath, bool json, CancellationToken cancellationToken)
    {
        if (VerbSettings.Load(configPath, demo: false, Console.Error) is not { } options)
            return ExitCodes.InvalidConfig;
        if (Address(options) is not { } address)
            return CliExitCodes.Unreachable;

        using var client = new StatusClient(address);
        try
        {
            var (raw, document) = await client.GetStatusAsync(cancellationToken);
            Console.Out.Write(json ? raw + "\n" : StatusTable.Render(document, address));
            return document.IsRunning ? CliExitCodes.Ok : CliExitCodes.NotRunningOrRefused;
        }
        catch (StatusUnreachableException e)
        {
            Console.Error.WriteLine($"mlx-supervisor: {e.Message}");
            return CliExitCodes.Unreachable;
        }
    }

    private static async Task<int> ControlAsync(string action, string? configPath, CancellationToken cancellationToken)
    {
        if (VerbSettings.Load(configPath, demo: false, Console.Error) is not { } options)
            return ExitCodes.InvalidConfig;
        if (Address(options) is not { } address)
            return CliExitCodes.Unreachable;

        StatusToken? token;
        try
        {
            token = StatusToken.Load(options.Status);
        }
        catch (SettingsException e)
        {
            return DaemonSettings.ReportInvalid(e, Console.Error);
        }
        if (token is null)
        {
            Console.Error.WriteLine($"mlx-supervisor: {action} needs the token: set Status:Token or Status:TokenFile for the daemon and here.");
            return CliExitCodes.NotRunningOrRefused;
        }

        using var client = new StatusClient(address);
        try
        {
            var (status, body) = await client.PostAsync(action, token.Value, cancellationToken);
            if (status == HttpStatusCode.Accepted)
            {
                Console.Out.WriteLine($"mlx-supervisor: {action} accepted");
                return CliExitCodes.Ok;
            }
            Console.Error.WriteLine($"mlx-supervisor: {action} refused (HTTP {(int)status}): {body}");
            return CliExitCodes.NotRunningOrRefused;
        }
        catch (StatusUnreachableException e)
        {
            Console.Error.WriteLine($"mlx-supervisor: {e.Message}");
            return CliExitCodes.Unreachable;
        }
    }

    private static Uri? Address(SupervisorOptions options)
    {
        if (options.Status.Enabled && ListenAddress.TryParse(options.Status.Listen, out var listen))
            return ListenAddress.ForClient(listen);
        Console.Error.WriteLine("mlx-supervisor: the status endpoint is off (Status:Listen is empty), so the daemon cannot be asked.");
        return null;
    }
}
