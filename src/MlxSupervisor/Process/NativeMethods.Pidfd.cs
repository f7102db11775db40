using System.Runtime.InteropServices;

namespace MlxSupervisor.Process;

/// <summary>Linux only: a pidfd, an eventfd and poll(2), to wait for the exit of a process that is not our child.</summary>
internal static partial class NativeMethods
{
    /// <summary>pidfd_open is 434 on every architecture (include/uapi/asm-generic/unistd.h and x86's syscall_64.tbl alike).</summary>
    private const long SysPidfdOpen = 434;

    private const int EventFdCloseOnExec = 0x80000;
    private const short PollIn = 0x1;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    // glibc has had a pidfd_open wrapper only since 2.36; syscall(2) reaches it on any glibc. syscall is variadic,
    // which is safe here: its x86-64 and arm64 versions take every argument from the integer registers, as for a
    // fixed signature.
    [LibraryImport(LibC, EntryPoint = "syscall", SetLastError = true)]
    private static partial long SyscallNative(long number, long pid, long flags);

    [LibraryImport(LibC, EntryPoint = "eventfd", SetLastError = true)]
    private static partial int EventFdNative(uint initialValue, int flags);

    [LibraryImport(LibC, EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int PollNative(PollFd* fds, nuint count, int timeout);

    [LibraryImport(LibC, EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteNative(int fd, void* buffer, nuint count);

    /// <summary>pidfd_open(2): a descriptor that refers to <paramref name="pid"/> itself, not to whoever gets its
    /// number later, and that polls readable once it has exited (a zombie included). Always close-on-exec.</summary>
    /// <returns>The descriptor, or -1 with <paramref name="errno"/> (ESRCH: no such process).</returns>
    public static int PidfdOpen(int pid, out int errno)
    {
        var fd = (int)SyscallNative(SysPidfdOpen, pid, 0);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    /// <summary>eventfd(2), close-on-exec, so no server the daemon spawns inherits it.</summary>
    public static int EventFd(out int errno)
    {
        var fd = EventFdNative(0, EventFdCloseOnExec);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    /// <summary>Makes <paramref name="eventFd"/> readable.</summary>
    public static unsafe void SignalEventFd(int eventFd)
    {
        ulong one = 1;
        WriteNative(eventFd, &one, sizeof(ulong));
    }

    /// <summary>Blocks in poll(2), with no timeout, until <paramref name="first"/> or <paramref name="second"/> is readable.</summary>
    /// <returns>Whether <paramref name="first"/> is readable; null, with <paramref name="errno"/>, when poll failed.</returns>
    public static unsafe bool? PollReadable(int first, int second, out int errno)
    {
        var fds = stackalloc PollFd[2];
        fds[0] = new PollFd { Fd = first, Events = PollIn };
        fds[1] = new PollFd { Fd = second, Events = PollIn };
        while (true)
        {
            if (PollNative(fds, 2, -1) >= 0)
            {
                errno = 0;
                return fds[0].Revents != 0;
            }
            errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
                return null;
        }
    }
}
