using MlxSupervisor.Bench.Machine;
using MlxSupervisor.Bench.Scenarios;

namespace MlxSupervisor.Bench;

/// <summary>Everything one run measured, for the report and the charts.</summary>
internal sealed record BenchResults(
    BenchSettings Settings,
    string Command,
    MachineInfo Machine,
    LoadLog Load,
    TimeSpan Duration,
    RecoveryResult DaemonRecovery,
    RecoveryResult SupervisordRecovery,
    HangResult Hang,
    ScheduleResult Schedule,
    IReadOnlyList<FootprintResult> Footprint,
    IReadOnlyList<FloodRun> Flood,
    FrontDoorResult? FrontDoor,
    IReadOnlyList<string>? Notes = null);
