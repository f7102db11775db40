namespace MlxSupervisor.Restart;

/// <summary>The delay before a restart: <c>min(InitialDelay × 2^(n−1), MaxDelay)</c> for the n-th consecutive failure.</summary>
public sealed class RestartBackoff(TimeSpan initialDelay, TimeSpan maxDelay)
{
    public TimeSpan DelayAfter(int consecutiveFailures)
    {
        if (consecutiveFailures < 1)
            return TimeSpan.Zero;

        // Doubling past 2^40 overflows nothing useful: any realistic delay has long since hit the cap.
        var exponent = Math.Min(consecutiveFailures - 1, 40);
        var ticks = initialDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
