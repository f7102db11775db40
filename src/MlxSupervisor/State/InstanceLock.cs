using System.Globalization;
using System.Text;
using MlxSupervisor.Process;

namespace MlxSupervisor.State;

/// <summary>
/// One daemon per state directory: an advisory flock on <c>daemon.lock</c>, held for the daemon's life. The
/// kernel drops it when the holder's last descriptor closes, SIGKILL included, so a stale lock never blocks a
/// restart, and a leftover file means nothing by itself.
/// </summary>
/// <remarks>
/// On Unix, .NET's FileStream with FileShare.None takes flock(LOCK_EX | LOCK_NB) itself and refuses with an
/// IOException whose HResult is EWOULDBLOCK when another process holds it (checked: the lock shows in
/// /proc/locks as FLOCK WRITE). DOTNET_SYSTEM_IO_DISABLEFILELOCKING silently turns that off, so flock is
/// called once more here, which on our own descriptor is a no-op. Since .NET also takes LOCK_SH when merely
/// reading a file, a second daemon could not read the holder's pid from the locked file: it sits in
/// <c>daemon.pid</c> beside it. The descriptor is opened O_CLOEXEC by .NET, so the server never inherits the
/// lock and cannot keep it after the daemon is gone.
/// </remarks>
public sealed class InstanceLock : IDisposable
{
    public const string FileName = "daemon.lock";
    public const string PidFileName = "daemon.pid";

    private readonly FileStream _file;

    private InstanceLock(FileStream file, string path)
    {
        _file = file;
        Path = path;
    }

    public string Path { get; }

    /// <returns>The lock, or null with <paramref name="holder"/> naming the daemon that has it.</returns>
    /// <exception cref="IOException">The directory or file cannot be created or locked for another reason.</exception>
    public static InstanceLock? TryAcquire(string directory, out string holder)
    {
        holder = "";
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, FileName);
        var pidPath = System.IO.Path.Combine(directory, PidFileName);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e.HResult == NativeMethods.EWOULDBLOCK)
        {
            holder = ReadHolder(pidPath);
            return null;
        }

        var error = NativeMethods.TryLockExclusive(file.SafeFileHandle);
        if (error != 0)
        {
            file.Dispose();
            if (error != NativeMethods.EWOULDBLOCK)
                throw new IOException($"cannot lock '{path}': {NativeMethods.Describe(error)}");
            holder = ReadHolder(pidPath);
            return null;
        }

        // The pid is only for the message a second daemon prints; the lock itself is the flock.
        File.WriteAllText(pidPath, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n", Encoding.ASCII);
        return new InstanceLock(file, path);
    }

    private static string ReadHolder(string pidPath)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidPath).Trim(), out var pid) ? $"pid {pid}" : "pid unknown";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "pid unknown";
        }
    }

    public void Dispose() => _file.Dispose();
}
