namespace MlxSupervisor.Bench.Logs;

/// <summary>
/// The lines of a supervisor's log as they arrive, to wait on. Lines the bench only needs to count (a flood
/// of server output) are counted and not kept.
/// </summary>
internal sealed class LogStream(LogFormat format, Func<string, bool>? countOnly = null)
{
    private readonly List<LogLine> _lines = [];
    private readonly Queue<string> _raw = new();
    private long _counted;

    public int Count
    {
        get
        {
            lock (_lines)
                return _lines.Count;
        }
    }

    public long Counted => Interlocked.Read(ref _counted);

    public void Add(string text, DateTimeOffset seenAt)
    {
        if (countOnly is not null && countOnly(text))
        {
            Interlocked.Increment(ref _counted);
            return;
        }
        var line = format.Parse(text, seenAt);
        lock (_lines)
        {
            _raw.Enqueue(text);
            if (_raw.Count > 40)
                _raw.Dequeue();
            if (line is not null)
                _lines.Add(line);
        }
    }

    public IReadOnlyList<LogLine> Snapshot()
    {
        lock (_lines)
            return [.. _lines];
    }

    /// <summary>The first line at or after <paramref name="from"/> that <paramref name="match"/> accepts, if one has arrived.</summary>
    public LogLine? Find(Func<LogLine, bool> match, int from)
    {
        lock (_lines)
        {
            for (var i = from; i < _lines.Count; i++)
            {
                if (match(_lines[i]))
                    return _lines[i];
            }
        }
        return null;
    }

    /// <summary>Waits for the first line at or after <paramref name="from"/> that <paramref name="match"/> accepts.</summary>
    /// <returns>The line and its index.</returns>
    public async Task<(LogLine Line, int Index)> WaitForAsync(Func<LogLine, bool> match, int from, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        var next = from;
        while (true)
        {
            lock (_lines)
            {
                for (; next < _lines.Count; next++)
                {
                    if (match(_lines[next]))
                        return (_lines[next], next);
                }
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No log line {what} within {within.TotalSeconds:0.#} s. Last lines:\n{Tail()}");
            // Polling only decides when the bench reacts; every figure comes from the timestamps in the lines.
            await Task.Delay(5);
        }
    }

    public string Tail()
    {
        lock (_lines)
            return string.Join('\n', _raw);
    }
}
