namespace MlxSupervisor.Bench.Scenarios;

/// <summary>One flood of server output: the sim's own print time, and for the daemon what reached its log file.</summary>
/// <param name="LinesInLogFile">Flood lines found in the server's log file (server.log); null for the drained pipe.</param>
/// <param name="LogWriteMs">From the first to the last flood line's timestamp in server.log.</param>
/// <param name="DroppedReported">What the daemon's "dropped N lines" notes in server.log said, if it wrote one.</param>
internal sealed record FloodRun(string Reader, int Lines, double PrintMs, long? LinesInLogFile, double? LogWriteMs, long? DroppedReported)
{
    public double LinesPerSecond => Lines / (PrintMs / 1000);
}
