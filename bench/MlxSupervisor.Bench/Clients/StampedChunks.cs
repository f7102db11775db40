using System.Buffers.Text;
using System.Runtime.InteropServices;

namespace MlxSupervisor.Bench.Clients;

/// <summary>
/// Reads an SSE body as its bytes arrive and pairs each data event that carries the sim's <c>sim_written_at</c>
/// (<c>--stamp-chunks</c>) with the moment the read that completed it returned: one (written, arrived) pair of
/// monotonic timestamps per chunk. The sim takes its stamp with <c>TimeProvider.GetTimestamp</c>, the bench with
/// <c>Stopwatch.GetTimestamp</c>; on Linux both are CLOCK_MONOTONIC in nanoseconds, one clock for every process.
/// </summary>
internal sealed class StampedChunks
{
    private static readonly byte[] Field = "\"sim_written_at\":"u8.ToArray();
    private static readonly byte[] Data = "data:"u8.ToArray();

    private readonly List<byte> _pending = [];
    private readonly List<(long Written, long Arrived)> _chunks = [];

    public IReadOnlyList<(long Written, long Arrived)> Chunks => _chunks;

    /// <summary>Data events with no stamp: [DONE], and any chunk the sim did not stamp.</summary>
    public int Unstamped { get; private set; }

    /// <param name="arrivedAt">When the read that returned <paramref name="bytes"/> completed.</param>
    public void Feed(ReadOnlySpan<byte> bytes, long arrivedAt)
    {
        while (!bytes.IsEmpty)
        {
            var end = bytes.IndexOf((byte)'\n');
            if (end < 0)
            {
                _pending.AddRange(bytes);
                return;
            }
            if (_pending.Count == 0)
            {
                Line(bytes[..end], arrivedAt);
            }
            else
            {
                // A line split across reads arrived with the read that brought its end.
                _pending.AddRange(bytes[..end]);
                Line(CollectionsMarshal.AsSpan(_pending), arrivedAt);
                _pending.Clear();
            }
            bytes = bytes[(end + 1)..];
        }
    }

    /// <returns>The stamp of one SSE line, or null for a line that is no stamped data event.</returns>
    public static long? StampOf(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith(Data))
            return null;
        var at = line.IndexOf(Field);
        if (at < 0)
            return null;
        var rest = line[(at + Field.Length)..].TrimStart((byte)' ');
        return Utf8Parser.TryParse(rest, out long stamp, out _) ? stamp : null;
    }

    private void Line(ReadOnlySpan<byte> line, long arrivedAt)
    {
        if (StampOf(line) is { } written)
            _chunks.Add((written, arrivedAt));
        else if (line.StartsWith(Data))
            Unstamped++;
    }
}
