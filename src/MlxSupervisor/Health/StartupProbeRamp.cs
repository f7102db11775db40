namespace MlxSupervisor.Health;

/// <summary>
/// The waits between startup probes: the first probe goes out at once after the spawn, the next 25 ms later, and each
/// wait doubles up to <c>Health:StartupProbeInterval</c>. A server that is up at once is seen within tens of
/// milliseconds, where a fixed one-second interval saw it up to a second late; a 32B model's minute of loading still
/// costs only a few probes more than it did.
/// </summary>
public static class StartupProbeRamp
{
    public static readonly TimeSpan FirstWait = TimeSpan.FromMilliseconds(25);

    /// <returns>The wait after a probe that followed a wait of <paramref name="previous"/> (zero for the first probe).</returns>
    public static TimeSpan WaitAfter(TimeSpan previous, TimeSpan longest)
    {
        var next = previous <= TimeSpan.Zero ? FirstWait : previous * 2;
        return next < longest ? next : longest;
    }
}
