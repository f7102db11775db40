using System.CommandLine;
using System.Net;
using System.Text.Json;
using MlxSupervisor.Configuration;
using MlxSupervisor.Daemon;

namespace MlxSupervisor.Status.Cli;

/// <summary>The verbs that talk to a running daemon, and validate-config.</summary>
public static class StatusCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Status();
        yield return Control("restart", "Restart a server gracefully through the daemon (needs the Status token).");
        yield return Control("stop", "Stop a server and keep it stopped until 'start' (needs the Status token).");
        yield return Control("start", "Start a stopped server, or cut a restart delay short (needs the Status token).");
        yield return ValidateConfig();
        yield return LogsCommand.Create();
    }

    private static Option<string?> ConfigOption() => new("--config")
    {
        Description = "The same settings file the daemon runs with; Status:Listen and the token are read from it.",
        HelpName = "PATH",
    };

    private static Argument<string?> ServerArgument(string what) => new("NAME")
    {
        Description = $"The server {what}, as named under Supervisor:Servers; the default server when left out.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static Command Status()
    {
        var config = ConfigOption();
        var json = new Option<bool>("--json") { Description = "Print the daemon's JSON instead of the table." };
        var server = ServerArgument("to show in full");
        var command = new Command("status",
            "Show the servers' state: a row per server, or one server in full. Exit 0 when each server shown is Running "
            + "(or waits for a request to start it), 1 when not, 2 when the daemon cannot be reached.")
        {
            server, config, json,
        };
        command.SetAction((result, cancellationToken) =>
            StatusAsync(result.GetValue(config), result.GetValue(json), result.GetValue(server), cancellationToken));
        return command;
    }

    private static Command Control(string action, string description)
    {
        var config = ConfigOption();
        var server = ServerArgument($"to {action}");
        var command = new Command(action, description) { server, config };
        command.SetAction((result, cancellationToken) => ControlAsync(action, result.GetValue(server), result.GetValue(config), cancellationToken));
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

    private static async Task<int> StatusAsync(string? configPath, bool json, string? name, CancellationToken cancellationToken)
    {
        if (VerbSettings.Load(configPath, demo: false, Console.Error) is not { } options)
            return ExitCodes.InvalidConfig;
        if (Address(options) is not { } address)
            return CliExitCodes.Unreachable;

        using var client = new StatusClient(address);
        try
        {
            var (raw, document) = await client.GetStatusAsync(cancellationToken);
            if (name is not null)
            {
                if (document.Servers.FirstOrDefault(s => s.Name == name) is not { } server)
                {
                    var names = string.Join(", ", document.Servers.Select(s => s.Name));
                    Console.Error.WriteLine($"mlx-supervisor: no server named '{name}': the servers are {names}");
                    return CliExitCodes.NotRunningOrRefused;
                }
                Console.Out.Write(json ? JsonSerializer.Serialize(server, StatusJson.Indented) + "\n" : StatusTable.Render(server, document, address));
                return server.IsAsExpected ? CliExitCodes.Ok : CliExitCodes.NotRunningOrRefused;
            }
            Console.Out.Write(json ? raw + "\n"
                : document.Servers is [var only] ? StatusTable.Render(only, document, address)
                : FleetTable.Render(document, address));
            return document.Servers.All(s => s.IsAsExpected) ? CliExitCodes.Ok : CliExitCodes.NotRunningOrRefused;
        }
        catch (StatusUnreachableException e)
        {
            Console.Error.WriteLine($"mlx-supervisor: {e.Message}");
            return CliExitCodes.Unreachable;
        }
    }

    private static async Task<int> ControlAsync(string action, string? name, string? configPath, CancellationToken cancellationToken)
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
            var (status, body) = await client.PostAsync(action, name, token.Value, cancellationToken);
            if (status == HttpStatusCode.Accepted)
            {
                Console.Out.WriteLine($"mlx-supervisor: {action} accepted" + (Field(body, "server") is { } server ? $" (server {server})" : ""));
                return CliExitCodes.Ok;
            }
            Console.Error.WriteLine($"mlx-supervisor: {action} refused (HTTP {(int)status}): {Field(body, "error") ?? body}");
            return CliExitCodes.NotRunningOrRefused;
        }
        catch (StatusUnreachableException e)
        {
            Console.Error.WriteLine($"mlx-supervisor: {e.Message}");
            return CliExitCodes.Unreachable;
        }
    }

    /// <summary>A string field of the daemon's JSON answer; null when the answer is not JSON or lacks it.</summary>
    private static string? Field(string body, string name)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
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
