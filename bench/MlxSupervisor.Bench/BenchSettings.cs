namespace MlxSupervisor.Bench;

/// <summary>How much to measure: the full run that writes docs/, or the smoke run CI uses to show the harness still works.</summary>
internal sealed record BenchSettings
{
    public required bool Smoke { get; init; }

    /// <summary>SIGKILLs per supervisor in the crash-recovery scenario.</summary>
    public required int Kills { get; init; }

    public required int HangRepeats { get; init; }

    /// <summary>How long supervisord's hung server is watched, in multiples of the daemon's worst case.</summary>
    public required double HangWatchFactor { get; init; }

    /// <summary>The crash loop's InitialDelay; MaxDelay and BreakDuration are 30 times it (the defaults' ratio).</summary>
    public required TimeSpan ScheduleUnit { get; init; }

    public required int HalfOpenTrials { get; init; }

    public required TimeSpan FootprintWindow { get; init; }

    public required TimeSpan Settle { get; init; }

    /// <summary>How long an idle supervisor runs before its footprint is sampled.</summary>
    public TimeSpan FootprintSettle { get; init; }

    /// <summary>How long the daemon at 2 probes/s runs before it is sampled a second time, with tiering done.</summary>
    public required TimeSpan FootprintSettledAfter { get; init; }

    public required int FloodLines { get; init; }

    public required int FloodRepeats { get; init; }

    /// <summary>Requests per block of the front-door comparison, per target and concurrency.</summary>
    public required int FrontDoorRequests { get; init; }

    /// <summary>Blocks per target and concurrency, alternating between the front door and the server's own port.</summary>
    public required int FrontDoorBlocks { get; init; }

    /// <summary>Unmeasured load on each target first, until the JIT has settled.</summary>
    public required TimeSpan FrontDoorWarmUp { get; init; }

    // The settings of issue 12's scenarios are not `required`: a results file written before them (--report-from)
    // still reads, with zeros, and its report says those scenarios were not measured.

    /// <summary>Restarts per Health:Readiness in the port-open-to-Running scenario, and starts of the sim alone.</summary>
    public int ReadinessRepeats { get; init; }

    /// <summary>Zombies of each kind (loud, quiet and idle, busy).</summary>
    public int ZombieRepeats { get; init; }

    /// <summary>How long the server is SIGKILLed every few seconds under six streaming clients.</summary>
    public TimeSpan StreamIntegrityDuration { get; init; }

    // Issue 14's and 13's scenarios, not `required` either, for the same reason.

    /// <summary>Each wrk run of the nginx comparison and the routing cost (wrk takes whole seconds).</summary>
    public TimeSpan HttpLoadDuration { get; init; }

    /// <summary>Rounds per number of connections, each target once per round, the order rotated.</summary>
    public int HttpLoadRepeats { get; init; }

    /// <summary>One unmeasured wrk run on each target first.</summary>
    public TimeSpan HttpLoadWarmUp { get; init; }

    /// <summary>Tokens per stream of the per-chunk latency scenario.</summary>
    public int ChunkTokens { get; init; }

    /// <summary>The sim's --token-delay-ms there.</summary>
    public int ChunkTokenDelayMs { get; init; }

    /// <summary>Blocks per target and number of streams, alternating between the front door and the server's own port.</summary>
    public int ChunkBlocks { get; init; }

    /// <summary>Rounds of the swap scenario: a start with room free, and a swap.</summary>
    public int SwapRepeats { get; init; }

    public static BenchSettings Full { get; } = new()
    {
        Smoke = false,
        Kills = 20,
        HangRepeats = 7,
        HangWatchFactor = 2,
        ScheduleUnit = TimeSpan.FromMilliseconds(200),
        HalfOpenTrials = 2,
        FootprintWindow = TimeSpan.FromSeconds(60),
        Settle = TimeSpan.FromSeconds(5),
        FootprintSettle = TimeSpan.FromSeconds(90),
        FootprintSettledAfter = TimeSpan.FromMinutes(6),
        FloodLines = 200_000,
        FloodRepeats = 5,
        FrontDoorRequests = 400,
        FrontDoorBlocks = 6,
        FrontDoorWarmUp = TimeSpan.FromSeconds(5),
        ReadinessRepeats = 20,
        ZombieRepeats = 7,
        StreamIntegrityDuration = TimeSpan.FromSeconds(60),
        HttpLoadDuration = TimeSpan.FromSeconds(4),
        HttpLoadRepeats = 4,
        HttpLoadWarmUp = TimeSpan.FromSeconds(4),
        ChunkTokens = 80,
        ChunkTokenDelayMs = 25,
        ChunkBlocks = 4,
        SwapRepeats = 8,
    };

    public static BenchSettings SmokeRun { get; } = new()
    {
        Smoke = true,
        Kills = 1,
        HangRepeats = 1,
        HangWatchFactor = 0.5,
        ScheduleUnit = TimeSpan.FromMilliseconds(50),
        HalfOpenTrials = 1,
        FootprintWindow = TimeSpan.FromSeconds(1),
        Settle = TimeSpan.FromMilliseconds(200),
        FootprintSettle = TimeSpan.FromMilliseconds(200),
        FootprintSettledAfter = TimeSpan.FromMilliseconds(400),
        FloodLines = 20_000,
        FloodRepeats = 1,
        FrontDoorRequests = 40,
        FrontDoorBlocks = 2,
        FrontDoorWarmUp = TimeSpan.FromMilliseconds(500),
        ReadinessRepeats = 1,
        ZombieRepeats = 1,
        StreamIntegrityDuration = TimeSpan.FromSeconds(5),
        HttpLoadDuration = TimeSpan.FromSeconds(1),
        HttpLoadRepeats = 1,
        HttpLoadWarmUp = TimeSpan.FromSeconds(1),
        ChunkTokens = 8,
        ChunkTokenDelayMs = 25,
        ChunkBlocks = 1,
        SwapRepeats = 1,
    };
}
