using System.Globalization;

namespace MlxSupervisor.Status.Cli;

/// <summary>
/// The status in words and units a person reads at a glance (issue 14, item 4): "2 in flight", "mean wait 1.3 s,
/// longest 2.6 s", "last byte 2 s ago", one line per cause of refusal, and a health error that says when it happened
/// and whether a probe has passed since. The status page says the same in the same words (Page/status.html).
/// </summary>
public static class StatusWords
{
    /// <summary>What each refusal's count means, by its key in <see cref="FrontDoorDocument.Rejected"/>.</summary>
    private static readonly Dictionary<string, string> RefusalCauses = new(StringComparer.Ordinal)
    {
        ["queueFull"] = "the queue was full",
        ["queueTimeout"] = "no turn within the queue timeout",
        ["circuitOpen"] = "the restart circuit was open",
        ["shuttingDown"] = "the daemon was stopping",
        ["serverDown"] = "the server failed and was not back in time",
        ["serverStopped"] = "the server was stopped",
        ["insufficientMemory"] = "not enough memory to start the server",
    };

    /// <summary>"2 s ago", "3 min ago", "1 h 5 min ago", "2 d 3 h ago": as precise as a glance needs.</summary>
    public static string Ago(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
            span = TimeSpan.Zero;
        var text = span.TotalSeconds < 60 ? $"{(int)span.TotalSeconds} s"
            : span.TotalHours < 1 ? $"{(int)span.TotalMinutes} min"
            : span.TotalDays < 1 ? (span.Minutes == 0 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} h {span.Minutes} min")
            : $"{(int)span.TotalDays} d {span.Hours} h";
        return text + " ago";
    }

    /// <summary>A wait: "12 ms" under a second, "1.3 s" under a minute, then minutes and seconds.</summary>
    public static string Wait(double seconds) => seconds switch
    {
        < 1 => $"{Math.Round(seconds * 1000).ToString(CultureInfo.InvariantCulture)} ms",
        < 60 => $"{seconds.ToString("0.0", CultureInfo.InvariantCulture)} s",
        _ => StatusTable.Duration(TimeSpan.FromSeconds(seconds)),
    };

    /// <summary>The front door's figures of one server, a line each; a refusal or a failure only when there was one.</summary>
    public static IReadOnlyList<string> FrontDoor(FrontDoorDocument f, DateTimeOffset now)
    {
        var lines = new List<string>
        {
            $"{f.InFlight} in flight, {f.Queued} queued, {f.WaitingForServer} waiting for the server",
            f.Admitted == 0
                ? "no request admitted yet"
                : $"mean wait {Wait(f.MeanQueueWaitSeconds)}, longest {Wait(f.LongestQueueWaitSeconds)} ({f.Admitted} admitted)",
            f.LastByteAt is { } last ? $"last byte {Ago(now - last)}" : "no byte from the server yet",
        };
        foreach (var (cause, count) in f.Rejected.Where(r => r.Value > 0))
            lines.Add($"{count} refused: {(RefusalCauses.TryGetValue(cause, out var words) ? words : cause)}");
        var trouble = new List<string>();
        if (f.AbandonedInQueue > 0)
            trouble.Add($"{f.AbandonedInQueue} left while queued");
        if (f.Retried > 0)
            trouble.Add($"{f.Retried} retried");
        if (f.Failed > 0)
            trouble.Add($"{f.Failed} failed");
        if (f.Stalls > 0)
            trouble.Add(f.Stalls == 1 ? "1 stall restart" : $"{f.Stalls} stall restarts");
        if (trouble.Count > 0)
            lines.Add(string.Join(", ", trouble));
        return lines;
    }

    /// <summary>"last error 3 min ago, during startup: connection refused"; null when there was none.</summary>
    public static string? HealthError(HealthDocument h, DateTimeOffset now) =>
        h.LastError is not { } error ? null
            : "last error" + (h.LastErrorAt is { } at ? " " + Ago(now - at) : "") + (h.LastErrorDuringStartup ? ", during startup" : "") + ": " + error;

    /// <summary>
    /// The health line: the last good probe and the strikes, then the last error, said to be current only while no
    /// probe has passed since it ("Health: ok … last error: connection refused" looked current long after it was not).
    /// </summary>
    public static string Health(HealthDocument h, DateTimeOffset now)
    {
        var line = (h.LastOkAt is { } ok ? $"last ok {Ago(now - ok)}" : "never ok yet") + $", strikes {h.Strikes}";
        if (HealthError(h, now) is not { } error)
            return line;
        return h.ErrorIsCurrent ? $"{line}; failing now, {error}" : $"{line}; {error} (probes have passed since)";
    }

    /// <summary>Why a server is held stopped, and what starts it again.</summary>
    public static string StoppedFor(StoppedForDocument stopped, string server) => stopped switch
    {
        { Kind: "NotStarted" } => stopped.Reason, // Says already that a request starts it.
        { StartsOnDemand: true } => stopped.Reason + "; the next request for one of its models starts it",
        _ => stopped.Reason + $"; 'mlx-supervisor start {server}' starts it",
    };
}
