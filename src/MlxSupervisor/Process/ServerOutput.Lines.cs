using System.Globalization;
using System.Text;

namespace MlxSupervisor.Process;

internal sealed partial class ServerOutput
{
    /// <summary>A "line" that long with no end yet is written as it is and goes on as a fragment, so a server that prints no newline cannot grow the daemon's memory.</summary>
    internal const int MaxLineBytes = 1024 * 1024;

    private static ReadOnlySpan<byte> FragmentMark => "[…] "u8;

    /// <summary>
    /// Turns blocks of the server's bytes into whole lines for its log file, each behind its time and stream mark:
    /// <c>2026-05-01 14:03:07.123 +02:00 [4242 stderr] text</c>. A line's time is when its first bytes were read off the pipe.
    /// </summary>
    /// <remarks>
    /// Lines are cut on the bytes: in UTF-8 a <c>\n</c> byte is never part of another character, so the bytes go to
    /// the file as the server wrote them, with nothing decoded on the way. Only the lines that must be read as text
    /// (the stderr tail, <c>Health:FatalOutput</c>) are decoded, each by itself.
    /// </remarks>
    private sealed class LineFramer(int pid, TimeZoneInfo zone) : IDisposable
    {
        private const string TimeFormat = "yyyy-MM-dd HH:mm:ss.fff zzz";

        private readonly PooledBytes _framed = new(WriteBatchBytes + BlockSize);
        private readonly PooledBytes[] _partial = [new(4096), new(4096)];
        private readonly DateTimeOffset[] _partialAt = new DateTimeOffset[2];
        private readonly byte[] _prefix = new byte[96];
        private int _prefixLength;
        private (DateTimeOffset At, string Mark)? _prefixFor;

        /// <summary>The framed lines not yet written.</summary>
        public ReadOnlySpan<byte> Framed => _framed.Span;

        public void Written() => _framed.Clear();

        /// <param name="onLine">Called with each whole line, without its end of line, for the checks that read it.</param>
        public void Add(Stream stream, ReadOnlySpan<byte> bytes, Gap gapBefore, DateTimeOffset at, Action<Stream, ReadOnlySpan<byte>> onLine)
        {
            var partial = _partial[(int)stream];
            // The line begun before the drop ended in what was dropped, and was counted with it.
            if (gapBefore != Gap.None)
                partial.Clear();
            // The start of this line was dropped: mark it rather than log a fragment as if it were whole.
            if (gapBefore == Gap.MidLine)
                Continue(stream, FragmentMark, at, onLine);
            while (!bytes.IsEmpty)
            {
                var end = bytes.IndexOf((byte)'\n');
                if (end < 0)
                {
                    Continue(stream, bytes, at, onLine);
                    return;
                }
                if (partial.Length > 0)
                {
                    partial.Append(bytes[..end]);
                    Emit(stream, _partialAt[(int)stream], partial.Span, onLine);
                    partial.Clear();
                }
                else
                {
                    Emit(stream, at, bytes[..end], onLine);
                }
                bytes = bytes[(end + 1)..];
            }
        }

        /// <summary>The server is gone: a last line it left without an end is a line all the same.</summary>
        public void End(Action<Stream, ReadOnlySpan<byte>> onLine)
        {
            foreach (var stream in (ReadOnlySpan<Stream>)[Stream.Stdout, Stream.Stderr])
            {
                var partial = _partial[(int)stream];
                if (partial.Length > 0)
                    Emit(stream, _partialAt[(int)stream], partial.Span, onLine);
                partial.Clear();
            }
        }

        /// <summary>A line of the daemon's own among the server's, such as where output was dropped.</summary>
        public void Note(DateTimeOffset at, string text)
        {
            _framed.Append(Prefix(at, "mlx-supervisor"));
            _framed.Append(Encoding.UTF8.GetBytes(text));
            _framed.Append((byte)'\n');
        }

        private void Continue(Stream stream, ReadOnlySpan<byte> bytes, DateTimeOffset at, Action<Stream, ReadOnlySpan<byte>> onLine)
        {
            var partial = _partial[(int)stream];
            if (partial.Length == 0)
                _partialAt[(int)stream] = at;
            partial.Append(bytes);
            if (partial.Length < MaxLineBytes)
                return;
            Emit(stream, _partialAt[(int)stream], partial.Span, onLine);
            partial.Clear();
            _partialAt[(int)stream] = at;
            partial.Append(FragmentMark);
        }

        private void Emit(Stream stream, DateTimeOffset at, ReadOnlySpan<byte> line, Action<Stream, ReadOnlySpan<byte>> onLine)
        {
            while (line.Length > 0 && line[^1] == (byte)'\r')
                line = line[..^1];
            _framed.Append(Prefix(at, stream == Stream.Stdout ? "stdout" : "stderr"));
            _framed.Append(line);
            _framed.Append((byte)'\n');
            onLine(stream, line);
        }

        /// <summary>Formatted once per block and stream: every line of a block was read at the same moment.</summary>
        private ReadOnlySpan<byte> Prefix(DateTimeOffset at, string mark)
        {
            if (_prefixFor != (at, mark))
            {
                var local = TimeZoneInfo.ConvertTime(at, zone);
                local.TryFormat(_prefix, out var written, TimeFormat, CultureInfo.InvariantCulture);
                var rest = _prefix.AsSpan(written);
                rest[0] = (byte)' ';
                rest[1] = (byte)'[';
                pid.TryFormat(rest[2..], out var digits, provider: CultureInfo.InvariantCulture);
                rest = rest[(2 + digits)..];
                rest[0] = (byte)' ';
                var markLength = Encoding.ASCII.GetBytes(mark, rest[1..]);
                rest[1 + markLength] = (byte)']';
                rest[2 + markLength] = (byte)' ';
                _prefixLength = written + 2 + digits + 3 + markLength;
                _prefixFor = (at, mark);
            }
            return _prefix.AsSpan(0, _prefixLength);
        }

        public void Dispose()
        {
            _framed.Dispose();
            foreach (var partial in _partial)
                partial.Dispose();
        }
    }
}
