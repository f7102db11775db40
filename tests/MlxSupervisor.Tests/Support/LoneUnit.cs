using MlxSupervisor.Configuration;
using MlxSupervisor.Fleet;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Tests.Support;

/// <summary>A fleet of one server whose supervisor a test runs itself, for a front door or a status endpoint to stand in front of.</summary>
public static class LoneUnit
{
    public static ServerFleet Fleet(SupervisorOptions options, ServerSupervisor supervisor, FrontDoorStatistics activity, TimeProvider time)
    {
        options.Servers = [FleetSettings.Single(options)];
        var unit = TestFleet.Unit(ServerSettings.DefaultName, () => options.Servers[0], supervisor, activity, time);
        return TestFleet.Of(new LiveSupervisorOptions(options), new Dictionary<string, ServerUnit> { [unit.Name] = unit });
    }
}
