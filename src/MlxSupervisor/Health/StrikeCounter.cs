namespace MlxSupervisor.Health;

/// <summary>
/// Counts consecutive failed probes; a healthy probe clears them. Plain on purpose, like YARP's
/// ConsecutiveFailuresHealthPolicy.
/// </summary>
public sealed class StrikeCounter(int threshold)
{
    public int Strikes { get; private set; }

    public int Threshold { get; } = threshold;

    public bool IsDead => Strikes >= Threshold;

    /// <returns>True when this strike reaches the threshold.</returns>
    public bool RecordFailure()
    {
        Strikes++;
        return IsDead;
    }

    public void RecordSuccess() => Strikes = 0;

    /// <summary>The same strikes counted against a new threshold, after a reload changed it.</summary>
    public StrikeCounter WithThreshold(int threshold) => new(threshold) { Strikes = Strikes };
}
