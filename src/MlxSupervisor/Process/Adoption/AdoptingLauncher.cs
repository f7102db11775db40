using Microsoft.Extensions.Logging;
using MlxSupervisor.Configuration;
using MlxSupervisor.Health;

namespace MlxSupervisor.Process.Adoption;

/// <summary>
/// The daemon's first start takes over a server that already runs (<c>Server:Adopt: "IfSame"</c>, issue 12 item 7;
/// the seed's rule is to start the server only if it does not answer its health check): a process that listens on
/// the port of <c>Health:Url</c>, runs the configured command with the configured arguments
/// (<see cref="ServerCommandLine"/>), and answers <c>Health:Url</c> with a 2xx. Anything else on the port is left to
/// the launcher inside, whose port check names it and refuses to start a second server.
/// </summary>
/// <remarks>
/// Only the daemon's start-up looks: once a start has given the supervisor a server, adopted or spawned, every
/// later start follows the death of a server this daemon supervised, whose port it waited to see free, and
/// whatever holds the port then is not to be taken over. A start that was refused gave it none, so the starts that
/// retry it with backoff look again: a server that was still loading (llama-server answers 503 until it has its
/// model) or slow to answer its first request is adopted once it answers, instead of being refused for good.
/// </remarks>
internal sealed partial class AdoptingLauncher(IServerLauncher inner, Func<SupervisorOptions> options, IHealthProbe probe,
    IProcessTable processTable, IProcessExitWatcher exitWatcher, TimeProvider time, ILogger logger) : IServerLauncher
{
    private bool _started;

    /// <remarks>The supervisor starts one server at a time, so <see cref="_started"/> needs no lock.</remarks>
    public async Task<IServerProcess> StartAsync(ServerLaunchSpec spec, CancellationToken cancellationToken)
    {
        var process = (_started ? null : await TryAdoptAsync(spec, cancellationToken)) ?? await inner.StartAsync(spec, cancellationToken);
        _started = true;
        return process;
    }

    private async Task<AdoptedServerProcess?> TryAdoptAsync(ServerLaunchSpec spec, CancellationToken cancellationToken)
    {
        var current = options();
        if (current.Server.Adopt != ServerAdoption.IfSame || !Uri.TryCreate(current.Health.Url, UriKind.Absolute, out var url))
            return null;
        var listeners = PortOwners.Listeners(url.Port);
        // A command that cannot be resolved is named by the spawn that follows.
        if (listeners.Count == 0 || CommandResolver.Resolve(spec.Command, spec.EffectivePath, spec.WorkingDirectory, out _) is not { } command)
            return null;

        // Workers a server forked share its socket and its command line; the first started is the server.
        var server = listeners
            .Select(pid => (Pid: pid, Identity: processTable.Identify(pid)))
            .Where(l => l.Identity is { } identity && ServerCommandLine.Runs(identity.CommandLine, command, spec.Arguments))
            .OrderBy(l => l.Identity!.StartTime)
            .FirstOrDefault();
        if (server.Identity is not { } found)
        {
            Log.NotTheServer(logger, url.Port, listeners[0], Redacted(processTable.Identify(listeners[0])?.CommandLine ?? []),
                Redacted([command, .. spec.Arguments]));
            return null;
        }

        var health = await probe.ProbeAsync(url, current.Health.Timeout, cancellationToken);
        if (!health.Healthy)
        {
            Log.NotHealthy(logger, server.Pid, url, health.Failure);
            return null;
        }
        return Watch(server.Pid, found);
    }

    private AdoptedServerProcess? Watch(int pid, ProcessIdentity found)
    {
        var stopWatching = new CancellationTokenSource();
        Task watch;
        try
        {
            watch = exitWatcher.WaitForExitAsync(pid, stopWatching.Token);
        }
        catch (IOException e)
        {
            stopWatching.Dispose();
            Log.CannotWatch(logger, pid, e.Message);
            return null;
        }

        // The watch holds the process from here on, so if it is still the one that was checked, that is the one watched.
        if (processTable.Identify(pid)?.StartTime != found.StartTime)
        {
            stopWatching.Cancel();
            stopWatching.Dispose();
            return null;
        }

        Log.Adopting(logger, pid, Redacted(found.CommandLine));
        var startedAt = ProcessStartTime.ToWallClock(found.StartTime) ?? time.GetUtcNow();
        return new AdoptedServerProcess(pid, startedAt, watch, stopWatching, processTable, time);
    }

    /// <summary>A command line for the log, without the value of an <c>--api-key</c> and the like.</summary>
    private static string Redacted(IReadOnlyList<string> commandLine) => string.Join(' ', RedactedSettings.RedactArguments(commandLine));

    private static partial class Log
    {
        [LoggerMessage(EventId = 120, EventName = "AdoptingServer", Level = LogLevel.Information,
            Message = "Server pid={Pid} ({CommandLine}) already runs the configured command and answers its health check: adopting it instead of starting another")]
        public static partial void Adopting(ILogger logger, int pid, string commandLine);

        [LoggerMessage(EventId = 121, EventName = "AdoptionNotTheServer", Level = LogLevel.Information,
            Message = "Port {Port} is held by pid {Pid} ({CommandLine}), which does not run {Configured}: not adopting it")]
        public static partial void NotTheServer(ILogger logger, int port, int pid, string commandLine, string configured);

        [LoggerMessage(EventId = 122, EventName = "AdoptionNotHealthy", Level = LogLevel.Warning,
            Message = "Server pid={Pid} runs the configured command but {Url} answered: {Failure}; not adopting it")]
        public static partial void NotHealthy(ILogger logger, int pid, Uri url, string? failure);

        [LoggerMessage(EventId = 123, EventName = "AdoptionCannotWatch", Level = LogLevel.Warning,
            Message = "Server pid={Pid} could be adopted, but {Problem}; not adopting it")]
        public static partial void CannotWatch(ILogger logger, int pid, string problem);
    }
}
