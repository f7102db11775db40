using System.Globalization;
using System.Text;

namespace MlxSupervisor.Status.Cli;

/// <summary>
/// The human answer of <c>mlx-supervisor status</c>: is it up, since when, why did it last restart, when is the
/// next try. Times are shown in the local zone of whoever runs it.
/// </summary>
public static class StatusTable
{
    private const int RecentEvents = 8;

    public static string Render(StatusDocument s, Uri address)
    {
        var now = s.Now;
        var text = new StringBuilder();
        void Row(string label, string value) => text.Append(CultureInfo.InvariantCulture, $"{label,-12}{value}\n");

        text.Append(CultureInfo.InvariantCulture, $"mlx-supervisor {s.Version} at {address.ToString().TrimEnd('/')}\n");
        Row("State", $"{s.State} since {Clock(s.Since)} ({Ago(now - s.Since)}): {s.Reason}");
        Row("Server", s.Pid is { } pid
            ? $"pid {pid}, up {Duration(TimeSpan.FromSeconds(s.Uptime ?? 0))}" + (s.MemoryBytes is { } m ? $", memory {Bytes(m)}" : "")
            : "not running");
        Row("Restarts", $"{s.Restarts} (consecutive failures: {s.ConsecutiveFailures})");
        Row("Circuit", s.Circuit.ReopensAt is { } reopens && s.Circuit.State == "Open"
            ? $"Open: too many failed restarts; next trial {In(reopens - now)} ({Clock(reopens)})"
            : s.Circuit.State);
        if (s.NextRestartAt is { } next)
            Row("Next try", $"{In(next - now)} ({Clock(next)})");
        Row("Health", (s.Health.LastOkAt is { } ok ? $"last ok {Ago(now - ok)}" : "never ok yet")
            + $", strikes {s.Health.Strikes}" + (s.Health.LastError is { } error ? $", last error: {error}" : ""));
        if (s.LastExit is { } exit)
        {
            var how = exit.Signal is not null ? $"signal {exit.Signal}" : exit.Code is { } code ? $"code {code}" : "unknown";
            Row("Last exit", $"{how} at {Clock(exit.At)} ({Ago(now - exit.At)}): {exit.Reason}");
        }
        if (s.FrontDoor is { Count: > 0 } frontDoor)
            Row("Front door", string.Join(", ", frontDoor.Select(kv => $"{kv.Key} {kv.Value}")));

        if (s.Events.Count > 0)
        {
            text.Append("Recent events:\n");
            foreach (var e in s.Events.TakeLast(RecentEvents))
                text.Append(CultureInfo.InvariantCulture, $"  {Clock(e.At)}  {e.Kind,-18}{e.Message}\n");
        }
        return text.ToString();
    }

    private static string Clock(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Ago(TimeSpan span) => $"{Duration(span)} ago";

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
