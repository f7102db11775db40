using System.Globalization;
using Microsoft.Extensions.Logging;

namespace MlxSupervisor.Process;

/// <summary>
/// A server's log file, rolled by size the way supervisord's <c>stdout_logfile_backups</c> and Python's
/// <c>RotatingFileHandler</c> roll: <c>server.log</c> is always the file being written; when the next lines would take
/// it past the limit it becomes <c>server.log.1</c>, the older ones move up one, the one beyond the count is deleted,
/// and a new <c>server.log</c> begins. A file never ends inside a line.
/// </summary>
/// <remarks>
/// <para>
/// Why not Serilog's File sink, with a logger per server and a raw template: it takes events, not bytes, so each
/// block of output would be decoded into a string (a 64 KB block is a 128 KB string, on the large object heap) only
/// to be encoded back; and it rolls to new names (<c>server_001.log</c>, <c>server_002.log</c>), so the file being
/// written changes its name at every roll and <c>tail -F server.log</c> is left reading a file nobody writes. The
/// bytes are already framed by <see cref="ServerOutput"/>; putting them in a file of a fixed name is this class.
/// </para>
/// <para>
/// The file is opened for each write and closed after it. Writes come a block at a time, so that costs little even
/// in a flood; and it holds no descriptor for a server that prints nothing, needs nothing disposed when a reload
/// removes the server, and a log folder deleted under a running daemon is made again.
/// </para>
/// </remarks>
internal sealed partial class RollingServerLog(string path, long fileSizeLimitBytes, int retainedFileCount, ILogger logger) : IServerLog
{
    private readonly Lock _lock = new();
    private bool _failing;

    public string Path => path;

    public void Write(ReadOnlySpan<byte> lines)
    {
        lock (_lock)
        {
            try
            {
                Write_NeedsLock(lines);
                if (_failing)
                {
                    _failing = false;
                    Log.WritingAgain(logger, path);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Said once per spell of failures, not once per block: a full disk would otherwise fill the daemon's log as well.
                if (!_failing)
                    Log.WriteFailed(logger, path, e.Message);
                _failing = true;
            }
        }
    }

    private void Write_NeedsLock(ReadOnlySpan<byte> lines)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        while (true)
        {
            int take;
            // bufferSize 0: every write goes straight to the file, where a reader following it sees it at once.
            using (var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0))
            {
                take = Fitting(lines, fileSizeLimitBytes - file.Length, file.Length == 0);
                file.Write(lines[..take]);
            }
            lines = lines[take..];
            if (lines.IsEmpty)
                return;
            Roll_NeedsLock();
        }
    }

    /// <returns>How many bytes of whole lines go into a file with <paramref name="room"/> bytes left.</returns>
    private static int Fitting(ReadOnlySpan<byte> lines, long room, bool fileIsEmpty)
    {
        if (lines.Length <= room)
            return lines.Length;
        var whole = room <= 0 ? 0 : lines[..(int)room].LastIndexOf((byte)'\n') + 1;
        if (whole > 0 || !fileIsEmpty)
            return whole;
        // A line longer than a whole file goes, whole, into a file of its own.
        var end = lines.IndexOf((byte)'\n');
        return end < 0 ? lines.Length : end + 1;
    }

    private void Roll_NeedsLock()
    {
        var directory = System.IO.Path.GetDirectoryName(path)!;
        var name = System.IO.Path.GetFileName(path);
        // The pattern also matches server.log itself: .NET's "*" after a dot takes an empty extension too.
        var backups = Directory.EnumerateFiles(directory, name + ".*")
            .Select(System.IO.Path.GetFileName)
            .Select(f => f!.Length > name.Length + 1
                && int.TryParse(f.AsSpan(name.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .Where(n => n > 0)
            .OrderDescending()
            .ToList();
        // Oldest first, so no move overwrites a file not yet moved; backups a lowered limit no longer allows are deleted.
        foreach (var n in backups)
        {
            if (n + 1 < retainedFileCount)
                File.Move(Backup(n), Backup(n + 1), overwrite: true);
            else
                File.Delete(Backup(n));
        }
        if (retainedFileCount > 1)
            File.Move(path, Backup(1), overwrite: true);
        else
            File.Delete(path);
    }

    private string Backup(int n) => $"{path}.{n.ToString(CultureInfo.InvariantCulture)}";

    private static partial class Log
    {
        [LoggerMessage(EventId = 102, EventName = "ServerLogWriteFailed", Level = LogLevel.Warning,
            Message = "Cannot write the server's output to {Path}: {Reason}; it is lost until the file can be written again")]
        public static partial void WriteFailed(ILogger logger, string path, string reason);

        [LoggerMessage(EventId = 103, EventName = "ServerLogWritingAgain", Level = LogLevel.Information,
            Message = "Writing the server's output to {Path} again")]
        public static partial void WritingAgain(ILogger logger, string path);
    }
}
