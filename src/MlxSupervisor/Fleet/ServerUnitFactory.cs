using Microsoft.Extensions.Logging;
using MlxSupervisor.Configuration;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Health;
using MlxSupervisor.Memory;
using MlxSupervisor.Process;
using MlxSupervisor.Process.Adoption;
using MlxSupervisor.State;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Fleet;

/// <summary>
/// Builds each server's <see cref="ServerUnit"/> from its settings and the daemon's shared services: the clock, the
/// process table, the memory reader and the probes. Nothing it builds is shared between two servers.
/// </summary>
internal sealed class ServerUnitFactory(
    LiveSupervisorOptions live,
    string stateDirectory,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    IProcessTable processTable,
    IProcessExitWatcher exitWatcher,
    IServerMemoryReader memoryReader,
    IHealthProbe healthProbe,
    IGenerationProbe generationProbe,
    ServerLogSettings serverLogs,
    System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
{
    /// <summary>Where a server's record lives: the state directory itself for the single server, as before fleets; a folder per server otherwise.</summary>
    public static string StateDirectoryOf(string stateDirectory, ServerSettings settings) =>
        settings.IsSingle ? stateDirectory : Path.Combine(stateDirectory, "servers", settings.Name);

    public ServerUnit Create(ServerSettings initial)
    {
        var name = initial.Name;
        var last = initial;
        // A reload that removes the server leaves it the settings it had until it is stopped.
        ServerSettings Settings() => last = live.Current.ServerNamed(name) ?? last;
        SupervisorOptions Options() => Settings().Options;

        var category = initial.IsSingle ? "" : $".{name}";
        var stateFile = new ServerStateFile(StateDirectoryOf(stateDirectory, initial));
        var launcher = new RecordingLauncher(
            new AdoptingLauncher(new PortCheckingLauncher(new CliWrapServerLauncher(loggerFactory, processTable, time, serverLogs.Open(initial, loggerFactory.CreateLogger("MlxSupervisor.Server" + category))), Options),
                Options, healthProbe, processTable, exitWatcher, time, loggerFactory.CreateLogger("MlxSupervisor.Adoption" + category)),
            stateFile, processTable, time);
        var activity = new FrontDoorStatistics(time, meterFactory, name);
        var supervisor = new ServerSupervisor(Options, launcher, healthProbe, generationProbe, time,
            loggerFactory.CreateLogger("MlxSupervisor.Supervisor" + category), activity);
        if (initial.Start == ServerStart.OnDemand)
            supervisor.HoldUntilStarted("not started yet: it starts on the first request for one of its models");
        var guard = new ServerMemoryGuard(supervisor, memoryReader, Options, time, loggerFactory.CreateLogger("MlxSupervisor.Memory" + category));
        var reclaimer = new PreviousServerReclaimer(stateFile, processTable, time, loggerFactory.CreateLogger("MlxSupervisor.State" + category));
        return new ServerUnit(name, Settings, supervisor, guard, activity, reclaimer, time);
    }
}
