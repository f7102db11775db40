using System.Globalization;
using System.Text;

namespace MlxSupervisor.Status.Cli;

/// <summary>
/// The human answer of <c>mlx-supervisor status</c> for one server: is it up, since when, why did it last restart,
/// when is the next try. Times are shown in the local zone of whoever runs it.
/// </summary>
public static class StatusTable
{
    private const int RecentEvents = 8;

    /// <param name="s">The server to show.</param>
    /// <param name="status">The answer it came in: the daemon's version and clock, and whether it runs a fleet.</param>
    public static string Render(ServerDocument s, StatusDocument status, Uri address)
    {
        var now = status.Now;
        var inFleet = s.Models.Count > 0;
        var text = new StringBuilder();
        void Row(string label, string value) => text.Append(CultureInfo.InvariantCulture, $"{label,-12}{value}\n");

        text.Append(CultureInfo.InvariantCulture, $"mlx-supervisor {status.Version} at {address.ToString().TrimEnd('/')}\n");
        if (inFleet)
            Row("Name", $"{s.Name}, starts {s.Start}" + (s.Name == status.Server ? ", the default server" : "") + $"; models {string.Join(", ", s.Models)}");
        Row("State", $"{s.State} since {Clock(s.Since)} ({StatusWords.Ago(now - s.Since)}): {s.Reason}");
        if (inFleet && s.StoppedFor is { Kind: not "NotStarted" } stopped) // NotStarted's reason, on the State row, says what starts it.
            Row("Held", StatusWords.StoppedFor(stopped, s.Name));
        Row("Server", s.Pid is { } pid
            ? $"pid {pid}, up {Duration(TimeSpan.FromSeconds(s.Uptime ?? 0))}" + (s.FootprintBytes is { } m ? $", memory {Bytes(m)}" : "")
                + (s.EstimateBytes is { } held ? $" (estimate {Bytes(held)})" : "")
            : "not running" + (s.EstimateBytes is { } estimate ? $" (memory estimate {Bytes(estimate)})" : ""));
        Row("Restarts", $"{s.Restarts} (consecutive failures: {s.ConsecutiveFailures})");
        Row("Circuit", s.Circuit.ReopensAt is { } reopens && s.Circuit.State == "Open"
            ? $"Open: too many failed restarts; next trial {In(reopens - now)} ({Clock(reopens)})"
            : s.Circuit.State);
        if (s.NextRestartAt is { } next)
            Row("Next try", $"{In(next - now)} ({Clock(next)})");
        Row("Health", StatusWords.Health(s.Health, now));
        if (s.LastExit is { } exit)
        {
            var how = exit.Signal is not null ? $"signal {exit.Signal}" : exit.Code is { } code ? $"code {code}" : "unknown";
            Row("Last exit", $"{how} at {Clock(exit.At)} ({StatusWords.Ago(now - exit.At)}): {exit.Reason}");
        }
        if (s.FrontDoor is { } frontDoor)
        {
            var label = "Front door";
            foreach (var line in StatusWords.FrontDoor(frontDoor, now))
            {
                Row(label, line);
                label = "";
            }
        }

        if (s.Events.Count > 0)
        {
            text.Append("Recent events:\n");
            foreach (var e in s.Events.TakeLast(RecentEvents))
                text.Append(CultureInfo.InvariantCulture, $"  {Clock(e.At)}  {e.Kind,-18}{e.Message}\n");
        }
        return text.ToString();
    }

    internal static string Clock(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string In(TimeSpan span) => span <= TimeSpan.Zero ? "now" : $"in {Duration(span)}";

    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
            span = TimeSpan.Zero;
        return span.TotalSeconds < 60 ? $"{span.TotalSeconds:0} s"
            : span.TotalHours < 1 ? $"{(int)span.TotalMinutes} min {span.Seconds} s"
            : span.TotalDays < 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
            : $"{(int)span.TotalDays} d {span.Hours} h";
    }

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        _ => $"{bytes / 1024.0:0} KiB",
    };
}
