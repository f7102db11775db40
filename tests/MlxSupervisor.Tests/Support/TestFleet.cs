using Microsoft.Extensions.Logging.Abstractions;
using MlxSupervisor.Configuration;
using MlxSupervisor.Fleet;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Memory;
using MlxSupervisor.Process;
using MlxSupervisor.State;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Tests.Support;

/// <summary>
/// Units and fleets around supervisors a test runs itself (real or on fake time), for the status endpoint, the metrics
/// and the hooks to stand in front of; the units' own runs (reclaim, memory guard, idle watch) are not started.
/// </summary>
public static class TestFleet
{
    /// <summary>A server of a fleet, named and serving "NAME-model", with <paramref name="options"/> as its sections.</summary>
    public static ServerSettings Settings(string name, SupervisorOptions options, long? estimateBytes = null, ServerStart start = ServerStart.AtBoot) => new()
    {
        Name = name,
        Models = [name + "-model"],
        Start = start,
        MemoryEstimateBytes = estimateBytes,
        MaxConcurrentRequests = options.Proxy.MaxConcurrentRequests,
        Options = options,
        KeyPrefix = $"Supervisor:Servers:{name}",
    };

    public static ServerUnit Unit(string name, Func<ServerSettings> settings, ServerSupervisor supervisor, FrontDoorStatistics activity, TimeProvider time)
    {
        var table = new LinuxProcessTable();
        return new ServerUnit(name, settings, supervisor,
            new ServerMemoryGuard(supervisor, new LinuxServerMemoryReader(table), () => settings().Options, time, NullLogger.Instance), activity,
            new PreviousServerReclaimer(new ServerStateFile(Path.Combine(Path.GetTempPath(), "mlxsup-unused", name)), table, time, NullLogger.Instance), time);
    }

    /// <summary>A fleet of the units in <paramref name="units"/>, keyed by name, as <paramref name="live"/>'s Servers list them; a reload may add more to it first.</summary>
    public static ServerFleet Of(LiveSupervisorOptions live, IReadOnlyDictionary<string, ServerUnit> units) =>
        new(s => units[s.Name], live, NullLogger.Instance);
}
