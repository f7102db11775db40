using System.Globalization;
using System.Text.RegularExpressions;

namespace MlxSupervisor.Status;

/// <summary>
/// Facts inside event messages. The supervisor records an event just before it updates the snapshot (the pid
/// of a new server, the time an open circuit reopens), so a listener reacting to the event reads them here.
/// </summary>
public static partial class EventText
{
    /// <returns>The first <c>pid=N</c> in <paramref name="message"/>.</returns>
    public static int? Pid(string message) =>
        PidPattern().Match(message) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    /// <returns>The time in "circuit open until 2026-11-28T12:01:00.0000000+00:00".</returns>
    public static DateTimeOffset? Until(string message)
    {
        const string Marker = "until ";
        var at = message.IndexOf(Marker, StringComparison.Ordinal);
        return at >= 0 && DateTimeOffset.TryParse(message[(at + Marker.Length)..].Trim(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var until)
            ? until
            : null;
    }

    [GeneratedRegex(@"\bpid=(\d+)")]
    private static partial Regex PidPattern();
}
