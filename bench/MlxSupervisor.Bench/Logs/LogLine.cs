namespace MlxSupervisor.Bench.Logs;

/// <summary>One timestamped line of a supervisor's log.</summary>
/// <param name="At">The supervisor's own timestamp, written into the line when it logged it (ms resolution).</param>
/// <param name="SeenAt">When the bench read the line; only used to tell how far behind the log runs.</param>
internal sealed record LogLine(DateTimeOffset At, string Level, string Message, DateTimeOffset SeenAt);
