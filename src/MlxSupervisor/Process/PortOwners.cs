using System.Globalization;

namespace MlxSupervisor.Process;

/// <summary>
/// Which process listens on a TCP port: for the log line that explains why the server cannot start, and for
/// adopting a server that already runs (<c>Server:Adopt</c>).
/// Linux: the LISTEN socket's inode from /proc/net/tcp and tcp6, then the /proc/[pid]/fd link that points at it.
/// macOS would need libproc's per-descriptor socket info for every process; there the answer is "unknown",
/// the message says so, and no server is adopted.
/// </summary>
internal static class PortOwners
{
    private const string Listen = "0A";

    /// <returns>"pid 123 (python3 -m http.server 8080)", or null when it cannot be found.</returns>
    public static string? Describe(int port) => Listeners(port) is [var pid, ..] ? DescribeProcess(pid) : null;

    /// <returns>"pid 123 (python3 -m http.server 8080)", or "pid 123" when its command line cannot be read.</returns>
    private static string DescribeProcess(int pid) =>
        LinuxProcessTable.ReadCommandLine(pid) is { Count: > 0 } commandLine ? $"pid {pid} ({string.Join(' ', commandLine)})" : $"pid {pid}";

    /// <summary>
    /// Every process that holds a listening socket on <paramref name="port"/>, lowest pid first: more than one when
    /// a server forked workers that inherited the socket. Empty when none is found, and always on macOS.
    /// </summary>
    public static IReadOnlyList<int> Listeners(int port)
    {
        if (!OperatingSystem.IsLinux())
            return [];
        try
        {
            var inodes = ListeningInodes(port);
            if (inodes.Count == 0)
                return [];
            return [.. SocketOwners().Where(o => inodes.Contains(o.Inode)).Select(o => o.Pid).Distinct().Order()];
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return [];
    }

    private static HashSet<string> ListeningInodes(int port)
    {
        var hexPort = port.ToString("X4", CultureInfo.InvariantCulture);
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
                continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[3] == Listen && fields[1].EndsWith(":" + hexPort, StringComparison.Ordinal))
                    inodes.Add(fields[9]);
            }
        }
        return inodes;
    }

    private static IEnumerable<(int Pid, string Inode)> SocketOwners()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            string[] fds;
            try
            {
                fds = Directory.GetFiles(Path.Combine(dir, "fd"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var fd in fds)
            {
                string? target;
                try
                {
                    target = new FileInfo(fd).LinkTarget;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
                    yield return (pid, target[8..^1]);
            }
        }
    }
}
