using System.Text;
using Microsoft.Win32.SafeHandles;

namespace MlxSupervisor.SimServer.Output;

/// <summary>
/// The single writer of our stdout and stderr lines. The supervisor under test reads these lines, so they
/// must never interleave mid-line and must reach the pipe when we say so.
/// </summary>
/// <remarks>
/// stdout goes through one buffered writer behind a lock: <see cref="WriteLine"/> flushes at once, while
/// <see cref="WriteBurst"/> lets the flood write many lines and flush only when it is done
/// (<see cref="Console.Out"/> flushes on every write, far too slow for 200,000 lines).
/// stderr is unbuffered by nature and only ever gets whole lines.
/// </remarks>
internal sealed class SimConsole
{
    private readonly Lock _stdoutLock = new();
    private readonly StreamWriter _stdout;
    private readonly TextWriter _stderr;

    public SimConsole(Stream stdout, TextWriter stderr)
    {
        _stdout = new StreamWriter(stdout, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024)
        {
            AutoFlush = false,
            NewLine = "\n",
        };
        _stderr = stderr;
    }

    /// <summary>Writes straight to file descriptors 1 and 2, not through <see cref="Console"/>.</summary>
    /// <remarks>
    /// .NET's Unix console streams take one process-wide lock for every write, stdout and stderr alike
    /// (<c>ConsolePal.Unix.WriteFromConsoleStream</c> locks <c>Console.Out</c>). A flood blocked on a full
    /// stdout pipe would then block every stderr line too, the SIGTERM handler's included, and the process
    /// could not be stopped. Plain file streams share no lock.
    /// </remarks>
    public static SimConsole ForProcess()
    {
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var stderr = new StreamWriter(Descriptor(2), utf8) { AutoFlush = true, NewLine = "\n" };
        return new SimConsole(Descriptor(1), TextWriter.Synchronized(stderr));
    }

    public void WriteLine(string line)
    {
        lock (_stdoutLock)
        {
            _stdout.WriteLine(line);
            _stdout.Flush();
        }
    }

    /// <summary>Holds stdout for the whole burst so no other line lands in the middle of it.</summary>
    public void WriteBurst(Action<TextWriter> write)
    {
        lock (_stdoutLock)
        {
            write(_stdout);
            _stdout.Flush();
        }
    }

    public void Error(string line) => _stderr.WriteLine(line);

    /// <summary>
    /// Waits for any burst in progress to reach the pipe; used right before the process dies, so that a
    /// crash after a flood does not lose the tail of it.
    /// </summary>
    public void FlushStdout()
    {
        lock (_stdoutLock)
            _stdout.Flush();
    }

    private static FileStream Descriptor(int fd) =>
        new(new SafeFileHandle(fd, ownsHandle: false), FileAccess.Write, bufferSize: 0);
}
