namespace MlxSupervisor.Bench;

/// <summary>How much to measure: the full run that writes docs/, or the smoke run CI uses to show the harness still works.</summary>
internal sealed record BenchSettings
{
    public required bool Smoke { get; init; }

    /// <summary>SIGKILLs per supervisor in the crash-recovery scenario.</summary>
    public required int Kills { get; init; }

    public required int HangRepeats { get; init; }

    /// <summary>The crash loop's InitialDelay; MaxDelay and BreakDuration are 30 times it (the defaults' ratio).</summary>
    public required TimeSpan ScheduleUnit { get; init; }

    public required int HalfOpenTrials { get; init; }

    public required TimeSpan FootprintWindow { get; init; }

    public required TimeSpan Settle { get; init; }

    public required int FloodLines { get; init; }

    public required int FloodRepeats { get; init; }

    public static BenchSettings Full { get; } = new()
    {
        Smoke = false,
        Kills = 20,
        HangRepeats = 7,
        ScheduleUnit = TimeSpan.FromMilliseconds(200),
        HalfOpenTrials = 2,
        FootprintWindow = TimeSpan.FromSeconds(60),
        Settle = TimeSpan.FromSeconds(5),
        FloodLines = 200_000,
        FloodRepeats = 5,
    };

    public static BenchSettings SmokeRun { get; } = new()
    {
        Smoke = true,
        Kills = 2,
        HangRepeats = 1,
        ScheduleUnit = TimeSpan.FromMilliseconds(50),
        HalfOpenTrials = 1,
        FootprintWindow = TimeSpan.FromSeconds(2),
        Settle = TimeSpan.FromMilliseconds(500),
        FloodLines = 20_000,
        FloodRepeats = 1,
    };
}
