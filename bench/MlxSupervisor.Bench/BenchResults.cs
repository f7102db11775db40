using MlxSupervisor.Bench.Machine;
using MlxSupervisor.Bench.Scenarios;

namespace MlxSupervisor.Bench;

/// <summary>Everything one run measured, for the report and the charts; a scenario not measured (not selected with --only, or not in the daemon measured) is null.</summary>
/// <param name="Only">The scenarios --only selected, or null for a run of them all.</param>
internal sealed record BenchResults(
    BenchSettings Settings,
    string Command,
    MachineInfo Machine,
    LoadLog Load,
    TimeSpan Duration,
    RecoveryResult? DaemonRecovery,
    RecoveryResult? SupervisordRecovery,
    HangResult? Hang,
    ScheduleResult? Schedule,
    IReadOnlyList<FootprintResult>? Footprint,
    IReadOnlyList<FloodRun>? Flood,
    FrontDoorResult? FrontDoor,
    IReadOnlyList<string>? Notes = null,
    ReadinessResult? Readiness = null,
    ZombieResult? Zombies = null,
    StreamIntegrityResult? StreamIntegrity = null,
    IReadOnlyList<string>? Only = null,
    NginxPeerResult? NginxPeer = null,
    ChunkLatencyResult? ChunkLatency = null,
    RoutingResult? Routing = null,
    SwapResult? Swap = null);
