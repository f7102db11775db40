using System.Globalization;
using System.Text.RegularExpressions;

namespace MlxSupervisor.Bench.Logs;

/// <summary>How a supervisor's log line starts: a local timestamp with milliseconds, then the level.</summary>
internal sealed partial class LogFormat
{
    private readonly Regex _pattern;
    private readonly string _timestampFormat;

    private LogFormat(Regex pattern, string timestampFormat)
    {
        _pattern = pattern;
        _timestampFormat = timestampFormat;
    }

    /// <summary>mlx-supervisor's console template: <c>2026-11-28 15:48:38.407 [INF] message</c>.</summary>
    public static LogFormat Daemon { get; } = new(DaemonLine(), "yyyy-MM-dd HH:mm:ss.fff");

    /// <summary>supervisord's log: <c>2026-11-28 15:48:52,494 INFO message</c> (Python's asctime).</summary>
    public static LogFormat Supervisord { get; } = new(SupervisordLine(), "yyyy-MM-dd HH:mm:ss,fff");

    /// <summary>
    /// A server's own log file (<c>server.log</c>, issue 14): <c>2026-12-02 07:12:55.301 +00:00 [4242 stdout] line</c>,
    /// stamped when the daemon read the line; the message keeps the pid and stream mark, and there is no level.
    /// </summary>
    public static LogFormat ServerLog { get; } = new(ServerLogLine(), "yyyy-MM-dd HH:mm:ss.fff");

    /// <returns>The parsed line, or null for a line without a timestamp (the rest of a multi-line message).</returns>
    public LogLine? Parse(string text, DateTimeOffset seenAt)
    {
        var m = _pattern.Match(text);
        if (!m.Success)
            return null;
        // Both write local time without an offset; this machine's local zone is the one they used.
        var local = DateTime.ParseExact(m.Groups["ts"].Value, _timestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal);
        return new LogLine(new DateTimeOffset(local), m.Groups["level"].Value, m.Groups["msg"].Value, seenAt);
    }

    [GeneratedRegex(@"^(?<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \[(?<level>\w{3})\] (?<msg>.*)$")]
    private static partial Regex DaemonLine();

    [GeneratedRegex(@"^(?<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (?<level>[A-Z]+) (?<msg>.*)$")]
    private static partial Regex SupervisordLine();

    // The offset is the daemon's local zone, this machine's, as the other formats assume.
    [GeneratedRegex(@"^(?<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) [+-]\d\d:\d\d (?<msg>\[\d+ \w+\] .*)$")]
    private static partial Regex ServerLogLine();
}
