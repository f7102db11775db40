using System.Buffers;

namespace MlxSupervisor.FrontDoor.Completeness;

/// <summary>
/// What a server-sent event stream from the server has carried so far: how many <c>data:</c> lines (content for the
/// client; comments such as mlx_lm.server's ": keepalive 10/200" are not), and whether it reached an OpenAI stream's
/// end: a chunk whose <c>finish_reason</c> is set, or <c>data: [DONE]</c>.
/// </summary>
/// <remarks>
/// Fed the bytes as they pass, in any split. Only the line in progress is kept, in a rented buffer; a data line longer
/// than the buffer is still counted, but is not read for its end (a chunk that long is content, not the end).
/// </remarks>
internal sealed class EventStreamProgress : IDisposable
{
    private const int LineCapacity = 16 * 1024;
    private static readonly byte[] DataField = "data:"u8.ToArray();
    private static readonly byte[] FinishReason = "\"finish_reason\""u8.ToArray();

    private byte[]? _line;
    private int _length;
    private bool _overflowed;

    /// <summary>Data lines seen: content the client has been sent.</summary>
    public int DataLines { get; private set; }

    public bool SawDone { get; private set; }

    public bool SawFinishReason { get; private set; }

    /// <summary>True when the stream carries an OpenAI stream's last words: a set finish_reason, or [DONE].</summary>
    public bool ReachedEnd => SawDone || SawFinishReason;

    public void Feed(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var newline = bytes.IndexOf((byte)'\n');
            var part = newline < 0 ? bytes : bytes[..newline];
            Append(part);
            if (newline < 0)
                return;
            EndLine();
            bytes = bytes[(newline + 1)..];
        }
    }

    private void Append(ReadOnlySpan<byte> part)
    {
        if (part.IsEmpty)
            return;
        _line ??= ArrayPool<byte>.Shared.Rent(LineCapacity);
        var room = _line.Length - _length;
        if (part.Length > room)
        {
            // Keep the start, which says what kind of line it is; the rest is content.
            part[..room].CopyTo(_line.AsSpan(_length));
            _length += room;
            _overflowed = true;
            return;
        }
        part.CopyTo(_line.AsSpan(_length));
        _length += part.Length;
    }

    private void EndLine()
    {
        var line = _line is null ? [] : _line.AsSpan(0, _length);
        if (line.EndsWith((byte)'\r'))
            line = line[..^1];
        if (line.StartsWith(DataField))
        {
            DataLines++;
            var data = line[DataField.Length..].Trim((byte)' ');
            if (!_overflowed && data.SequenceEqual("[DONE]"u8))
                SawDone = true;
            else if (!_overflowed && HasFinishReason(data))
                SawFinishReason = true;
        }
        _length = 0;
        _overflowed = false;
    }

    /// <summary>True when a <c>"finish_reason"</c> in the chunk has a value other than null ("stop", "length", "tool_calls").</summary>
    private static bool HasFinishReason(ReadOnlySpan<byte> json)
    {
        while (json.IndexOf(FinishReason) is var at and >= 0)
        {
            json = json[(at + FinishReason.Length)..].TrimStart((byte)' ');
            if (json.IsEmpty || json[0] != (byte)':')
                continue;
            json = json[1..].TrimStart((byte)' ');
            if (!json.IsEmpty && json[0] == (byte)'"')
                return true;
        }
        return false;
    }

    public void Dispose()
    {
        if (_line is { } line)
        {
            _line = null;
            ArrayPool<byte>.Shared.Return(line);
        }
    }
}
