namespace MlxSupervisor.Health;

/// <summary>
/// When a Running server is sent its next generation probe: once it has been idle for <c>Health:Generation:Interval</c>,
/// with no client request in flight and no byte from it to a client in that time. Client traffic that gets bytes is
/// proof of life, so a busy server is not spent on probes; with clients in flight and no bytes, the stall rule judges.
/// </summary>
public static class GenerationProbeSchedule
{
    /// <param name="lastProofOfLife">The later of when the server became Running, its last passed probe, and its last byte to a client.</param>
    /// <returns>Null to probe now; otherwise when to look again.</returns>
    public static DateTimeOffset? NextCheck(DateTimeOffset now, DateTimeOffset lastProofOfLife, int inFlight, TimeSpan interval)
    {
        var due = lastProofOfLife + interval;
        if (due > now)
            return due;
        return inFlight > 0 ? now + interval : null;
    }

    public static DateTimeOffset LastProofOfLife(DateTimeOffset runningSince, DateTimeOffset? lastPassedProbe, DateTimeOffset? lastByte)
    {
        var proof = runningSince;
        if (lastPassedProbe > proof)
            proof = lastPassedProbe.Value;
        if (lastByte > proof)
            proof = lastByte.Value;
        return proof;
    }
}
