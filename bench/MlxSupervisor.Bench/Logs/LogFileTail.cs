using System.Text;

namespace MlxSupervisor.Bench.Logs;

/// <summary>
/// Follows a log file of the daemon's (its own rolling file, or a server's <c>server.log</c>) as it grows, reading each byte once, so watching a flood land in the
/// file costs about as much as writing it did, not a rescan per poll.
/// </summary>
/// <param name="pattern">The file, or a pattern for it: the first in name order is followed.</param>
internal sealed class LogFileTail(string directory, string pattern = "mlx-supervisor-*.log") : IDisposable
{
    private readonly char[] _buffer = new char[64 * 1024];
    private readonly StringBuilder _partial = new();
    private StreamReader? _reader;

    /// <summary>Hands over the whole lines written since the last call; a line still being written waits for its end.</summary>
    /// <returns>How many lines were handed over.</returns>
    public int Poll(Action<string> onLine)
    {
        if (_reader is null)
        {
            var file = Directory.Exists(directory) ? Directory.GetFiles(directory, pattern).Order().FirstOrDefault() : null;
            if (file is null)
                return 0;
            _reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        }
        var count = 0;
        int read;
        while ((read = _reader.Read(_buffer, 0, _buffer.Length)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (_buffer[i] != '\n')
                    continue;
                _partial.Append(_buffer, start, i - start);
                onLine(_partial.ToString().TrimEnd('\r'));
                _partial.Clear();
                count++;
                start = i + 1;
            }
            _partial.Append(_buffer, start, read - start);
        }
        return count;
    }

    public void Dispose() => _reader?.Dispose();
}
