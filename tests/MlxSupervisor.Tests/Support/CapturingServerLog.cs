using System.Text;
using MlxSupervisor.Process;

namespace MlxSupervisor.Tests.Support;

/// <summary>A server's log file kept in memory: every line as it would be in the file, and how many writes brought them.</summary>
public sealed class CapturingServerLog : IServerLog
{
    private readonly List<string> _lines = [];
    private readonly StringBuilder _partial = new();

    public int Writes { get; private set; }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return [.. _lines];
        }
    }

    void IServerLog.Write(ReadOnlySpan<byte> lines)
    {
        var text = Encoding.UTF8.GetString(lines);
        lock (_lines)
        {
            Writes++;
            _partial.Append(text);
            var all = _partial.ToString();
            var end = all.LastIndexOf('\n');
            if (end < 0)
                return;
            _lines.AddRange(all[..end].Split('\n'));
            _partial.Clear().Append(all[(end + 1)..]);
        }
    }

    public bool Contains(string fragment) => Lines.Any(l => l.Contains(fragment, StringComparison.Ordinal));

    public string Dump() => "server log:\n" + string.Join(Environment.NewLine, Lines.TakeLast(60));

    /// <summary>Waits, bounded, for a line containing <paramref name="fragment"/>.</summary>
    public async Task<string> WaitFor(string fragment, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Timeouts.Wait);
        while (true)
        {
            var line = Lines.FirstOrDefault(l => l.Contains(fragment, StringComparison.Ordinal));
            if (line is not null)
                return line;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No server log line with '{fragment}':\n{Dump()}");
            await Task.Delay(20);
        }
    }
}
