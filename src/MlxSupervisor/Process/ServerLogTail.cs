namespace MlxSupervisor.Process;

/// <summary>
/// Reads a server's log file (<see cref="RollingServerLog"/>) as <c>tail -F</c> does: its last lines, then each line
/// added, on into the new file when it rolls. The bytes are copied as they are in the file.
/// </summary>
/// <remarks>
/// A roll renames <c>server.log</c> to <c>server.log.1</c> and starts another <c>server.log</c>. The open file is read
/// to its end first, so the lines written just before the roll are not lost, and then the new one from its start. A
/// new file is told from the old by its inode, as <c>tail -F</c> tells it; where the inode cannot be had, by a file
/// shorter than what was read of the old one. When the file rolled more than once between two looks, the files in
/// between are read too, oldest first.
/// </remarks>
internal sealed class ServerLogTail : IDisposable
{
    private const int ChunkSize = 64 * 1024;

    private readonly string _path;
    private readonly byte[] _chunk = new byte[ChunkSize];
    private FileStream _file;

    private ServerLogTail(string path, FileStream file)
    {
        _path = path;
        _file = file;
    }

    /// <summary>Opens the file at its end.</summary>
    /// <returns>Null when there is no such file.</returns>
    public static ServerLogTail? Open(string path)
    {
        var file = TryOpen(path);
        if (file is null)
            return null;
        file.Seek(0, SeekOrigin.End);
        return new ServerLogTail(path, file);
    }

    /// <summary>Copies the last <paramref name="count"/> lines to <paramref name="output"/>, reaching back into the rolled files when the current one holds fewer.</summary>
    public void CopyLast(int count, System.IO.Stream output)
    {
        var end = _file.Position;
        var parts = new List<(FileStream File, long Start, long End)>();
        var needed = count;
        var (file, fileEnd) = ((FileStream?)_file, end);
        // The current file up to where this tail stands, then server.log.1, server.log.2... while lines are wanted.
        for (var n = 1; needed > 0 && file is not null; n++)
        {
            var (start, found) = StartOfLast(file, fileEnd, needed);
            parts.Add((file, start, fileEnd));
            needed -= found;
            if (needed > 0)
            {
                file = TryOpen($"{_path}.{n}");
                fileEnd = file?.Length ?? 0;
            }
        }
        foreach (var (part, start, stop) in Enumerable.Reverse(parts))
        {
            Copy(part, start, stop, output);
            if (part != _file)
                part.Dispose();
        }
        _file.Seek(end, SeekOrigin.Begin);
        output.Flush();
    }

    /// <summary>Copies what was written since the last call, following the file across a roll.</summary>
    /// <returns>How many bytes were copied.</returns>
    public long CopyNew(System.IO.Stream output)
    {
        var copied = CopyToEnd(_file, output);
        if (copied == 0 && TryOpen(_path) is { } current)
        {
            if (IsAnotherFile(current))
            {
                copied += CopyToEnd(_file, output); // the lines written to the old file just before it rolled
                foreach (var between in RolledSince(NativeMethods.Inode(_file.SafeFileHandle)))
                {
                    using (between)
                        copied += CopyToEnd(between, output);
                }
                _file.Dispose();
                _file = current;
                copied += CopyToEnd(_file, output);
            }
            else
            {
                current.Dispose();
            }
        }
        output.Flush();
        return copied;
    }

    /// <summary>
    /// The files that rolled after the one this tail read, oldest first: more than one roll can come between two looks
    /// in a flood. The old file is found among server.log.1, .2... by its inode; the ones before it in that order are
    /// newer. If it is gone (the oldest is deleted at a roll) every backup left is newer than it.
    /// </summary>
    private List<FileStream> RolledSince(ulong? oldInode)
    {
        var newer = new List<FileStream>();
        if (oldInode is null)
            return newer; // No way to tell them apart: go on in the current file, as tail -F does.
        for (var n = 1; TryOpen($"{_path}.{n}") is { } backup; n++)
        {
            if (NativeMethods.Inode(backup.SafeFileHandle) == oldInode)
            {
                backup.Dispose();
                break;
            }
            newer.Add(backup);
        }
        newer.Reverse();
        return newer;
    }

    private bool IsAnotherFile(FileStream current) =>
        NativeMethods.Inode(current.SafeFileHandle) is { } now && NativeMethods.Inode(_file.SafeFileHandle) is { } was
            ? now != was
            : current.Length < _file.Position;

    private long CopyToEnd(FileStream file, System.IO.Stream output)
    {
        long copied = 0;
        int read;
        while ((read = file.Read(_chunk)) > 0)
        {
            output.Write(_chunk, 0, read);
            copied += read;
        }
        return copied;
    }

    private void Copy(FileStream file, long start, long end, System.IO.Stream output)
    {
        file.Seek(start, SeekOrigin.Begin);
        while (start < end)
        {
            var read = file.Read(_chunk, 0, (int)Math.Min(_chunk.Length, end - start));
            if (read == 0)
                return;
            output.Write(_chunk, 0, read);
            start += read;
        }
    }

    /// <summary>Where the last <paramref name="count"/> lines before <paramref name="end"/> begin, reading backwards a chunk at a time.</summary>
    /// <returns>That offset, and how many lines it takes in (fewer than asked when the file holds fewer).</returns>
    private (long Start, int Found) StartOfLast(FileStream file, long end, int count)
    {
        var found = 0;
        var position = end;
        while (position > 0)
        {
            var size = (int)Math.Min(_chunk.Length, position);
            position -= size;
            file.Seek(position, SeekOrigin.Begin);
            file.ReadExactly(_chunk, 0, size);
            for (var i = size - 1; i >= 0; i--)
            {
                if (_chunk[i] != (byte)'\n')
                    continue;
                // The file's last byte ends the last line; it does not start one.
                if (position + i == end - 1)
                    continue;
                if (++found == count)
                    return (position + i + 1, found);
            }
        }
        // The first line of the file has no newline before it.
        return (0, end > 0 ? found + 1 : 0);
    }

    private static FileStream? TryOpen(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
