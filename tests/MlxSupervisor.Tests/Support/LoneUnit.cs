using Microsoft.Extensions.Logging.Abstractions;
using MlxSupervisor.Configuration;
using MlxSupervisor.Fleet;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Memory;
using MlxSupervisor.Process;
using MlxSupervisor.State;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Tests.Support;

/// <summary>A fleet of one server whose supervisor a test runs itself, for a front door or a status endpoint to stand in front of.</summary>
public static class LoneUnit
{
    public static ServerFleet Fleet(SupervisorOptions options, ServerSupervisor supervisor, FrontDoorStatistics activity, TimeProvider time)
    {
        options.Servers = [FleetSettings.Single(options)];
        var table = new LinuxProcessTable();
        var unit = new ServerUnit(ServerSettings.DefaultName, () => options.Servers[0], supervisor,
            new ServerMemoryGuard(supervisor, new LinuxServerMemoryReader(table), () => options, time, NullLogger.Instance), activity,
            new PreviousServerReclaimer(new ServerStateFile(Path.Combine(Path.GetTempPath(), "mlxsup-unused")), table, time, NullLogger.Instance), time);
        return new ServerFleet(_ => unit, new LiveSupervisorOptions(options), NullLogger.Instance);
    }
}
