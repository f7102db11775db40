using System.Runtime.InteropServices;

namespace MlxSupervisor.Process;

/// <summary>macOS only: a kqueue with EVFILT_PROC/NOTE_EXIT, to wait for the exit of a process that is not our child.</summary>
internal static partial class NativeMethods
{
    private const short EvFiltProc = -5;
    private const short EvFiltUser = -10;
    private const ushort EvAdd = 0x1;
    private const ushort EvOneShot = 0x10;
    private const ushort EvClear = 0x20;
    private const uint NoteExit = 0x80000000;
    private const uint NoteTrigger = 0x01000000;

    /// <summary>The ident of the user event that wakes the wait.</summary>
    private const nuint WakeIdent = 1;

    /// <summary>struct kevent of sys/event.h (64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct KEvent
    {
        public nuint Ident;
        public short Filter;
        public ushort Flags;
        public uint FilterFlags;
        public nint Data;
        public nint UserData;
    }

    [LibraryImport(LibC, EntryPoint = "kqueue", SetLastError = true)]
    private static partial int KqueueNative();

    [LibraryImport(LibC, EntryPoint = "kevent", SetLastError = true)]
    private static unsafe partial int KeventNative(int kq, KEvent* changes, int changeCount, KEvent* events, int eventCount, void* timeout);

    /// <summary>A kqueue that reports the exit of <paramref name="pid"/> and can be woken by <see cref="WakeKqueue"/>.</summary>
    /// <returns>The kqueue; -1 with <paramref name="errno"/> (ESRCH: no such process, or a zombie).</returns>
    public static unsafe int KqueueForExit(int pid, out int errno)
    {
        var kq = KqueueNative();
        if (kq < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return -1;
        }
        var wake = new KEvent { Ident = WakeIdent, Filter = EvFiltUser, Flags = EvAdd | EvClear };
        var exit = new KEvent { Ident = (nuint)pid, Filter = EvFiltProc, Flags = EvAdd | EvOneShot, FilterFlags = NoteExit };
        // One change a call: with no room for events, kevent stops at the first change that fails and says which errno.
        if (KeventNative(kq, &wake, 1, null, 0, null) < 0 || KeventNative(kq, &exit, 1, null, 0, null) < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            Close(kq);
            return -1;
        }
        errno = 0;
        return kq;
    }

    /// <summary>Triggers the user event of <see cref="KqueueForExit"/>.</summary>
    public static unsafe void WakeKqueue(int kq)
    {
        var trigger = new KEvent { Ident = WakeIdent, Filter = EvFiltUser, FilterFlags = NoteTrigger };
        KeventNative(kq, &trigger, 1, null, 0, null);
    }

    /// <summary>Blocks in kevent, with no timeout, until the process exits or the kqueue is woken.</summary>
    /// <returns>Whether the process exited; null, with <paramref name="errno"/>, when kevent failed.</returns>
    public static unsafe bool? WaitKqueue(int kq, out int errno)
    {
        KEvent fired;
        while (true)
        {
            var count = KeventNative(kq, null, 0, &fired, 1, null);
            if (count > 0)
            {
                errno = 0;
                return fired.Filter == EvFiltProc;
            }
            if (count == 0)
                continue; // No timeout was given, so this does not happen; were it to, wait again.
            errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
                return null;
        }
    }
}
