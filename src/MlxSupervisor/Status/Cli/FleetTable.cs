using System.Globalization;
using System.Text;

namespace MlxSupervisor.Status.Cli;

/// <summary>
/// <c>mlx-supervisor status</c> for a fleet: one row per server, as <c>pm2 ls</c> and <c>supervisorctl status</c>
/// print them (name, state, pid, uptime, memory, restarts, models), then a line for each server that is not running,
/// saying why and what starts it. <c>status NAME</c> shows one server in full (<see cref="StatusTable"/>).
/// </summary>
public static class FleetTable
{
    private static readonly string[] Headings = ["NAME", "STATE", "PID", "UPTIME", "MEMORY", "RESTARTS", "MODELS"];

    public static string Render(StatusDocument status, Uri address)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"mlx-supervisor {status.Version} at {address.ToString().TrimEnd('/')}: ")
            .Append(CultureInfo.InvariantCulture, $"{status.Servers.Count} servers, default {status.Server}");
        if (status.Ledger is { } ledger)
        {
            text.Append(CultureInfo.InvariantCulture, $"; memory {StatusTable.Bytes(ledger.UsedBytes)} used")
                .Append(ledger.ReservedBytes > 0 ? $", {StatusTable.Bytes(ledger.ReservedBytes)} reserved" : "")
                .Append(ledger.BudgetBytes is { } budget ? $" of {StatusTable.Bytes(budget)}" : "");
        }
        text.Append('\n');

        var rows = status.Servers.Select(s => new[]
        {
            s.Name,
            s.State,
            s.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-",
            s.Pid is not null && s.Uptime is { } up ? StatusTable.Duration(TimeSpan.FromSeconds(up)) : "-",
            s.FootprintBytes is { } m ? StatusTable.Bytes(m) : "-",
            s.Restarts.ToString(CultureInfo.InvariantCulture),
            string.Join(", ", s.Models),
        }).ToList();
        var widths = Headings.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        void Line(string[] cells) =>
            text.Append(string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd()).Append('\n');
        Line(Headings);
        foreach (var row in rows)
            Line(row);

        foreach (var s in status.Servers.Where(s => !s.IsRunning))
        {
            var why = s.StoppedFor is { } stopped ? StatusWords.StoppedFor(stopped, s.Name) : s.Reason;
            text.Append(CultureInfo.InvariantCulture, $"{s.Name}: {s.State}, {why}\n");
        }
        return text.ToString();
    }
}
