using System.Runtime.InteropServices;

namespace MlxSupervisor.Process;

/// <summary>macOS: libproc's proc_listpids(PROC_PGRP_ONLY). launchd reaps orphans promptly there, so a zombie rarely shows.</summary>
internal sealed partial class MacProcessTable : IProcessTable
{
    private const uint ProcPgrpOnly = 2;

    [LibraryImport("/usr/lib/libproc.dylib", EntryPoint = "proc_listpids")]
    private static unsafe partial int ListPids(uint type, uint typeInfo, int* buffer, int bufferSize);

    public unsafe IReadOnlyList<int> LiveMembers(int groupId)
    {
        var buffer = new int[1024];
        int bytes;
        fixed (int* p = buffer)
            bytes = ListPids(ProcPgrpOnly, (uint)groupId, p, buffer.Length * sizeof(int));
        return buffer.Take(Math.Max(0, bytes / sizeof(int))).Where(pid => pid > 0).ToList();
    }

    // EPERM means it exists but belongs to someone else.
    public bool IsRunning(int pid) => NativeMethods.Kill(pid, 0) is 0 or NativeMethods.EPERM;
}
