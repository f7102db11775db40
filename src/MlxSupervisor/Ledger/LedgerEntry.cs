namespace MlxSupervisor.Ledger;

/// <summary>What the memory ledger knows of one server of the fleet, read from its unit's snapshot.</summary>
/// <param name="Name">The server's name, as under <c>Supervisor:Servers</c>.</param>
/// <param name="MeasuredBytes">The measured footprint of its process tree now (phys_footprint on macOS, RSS on
/// Linux); null while there is no measurement.</param>
/// <param name="EstimateBytes">What it is expected to take: its <c>MemoryEstimate</c> until it has run, afterwards
/// the peak measured in its last run (<see cref="PeakFootprintStore"/>).</param>
/// <param name="InFlight">Requests it is answering now.</param>
/// <param name="StartedAt">When its current life began; null while it is stopped.</param>
/// <param name="LastRequestAt">When it was last sent a request; null if never. The ledger's LRU order.</param>
public sealed record LedgerEntry(
    string Name,
    StartPolicy Start,
    LedgerState State,
    long? MeasuredBytes,
    long EstimateBytes,
    int InFlight,
    DateTimeOffset? StartedAt,
    DateTimeOffset? LastRequestAt);
