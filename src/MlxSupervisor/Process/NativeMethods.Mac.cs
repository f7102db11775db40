using System.Buffers;
using System.Runtime.InteropServices;

namespace MlxSupervisor.Process;

/// <summary>macOS only: libproc, sysctl and the Mach host statistics, all in libSystem. Never called on Linux.</summary>
internal static partial class NativeMethods
{
    private const int ProcPidTbsdInfo = 3;
    private const uint ProcPpidOnly = 6;
    private const int RusageInfoV2 = 2;
    private const int CtlKern = 1;
    private const int KernProcArgs2 = 49;
    private const int HostVmInfo64 = 4;

    [LibraryImport(LibC, EntryPoint = "proc_pidinfo", SetLastError = true)]
    private static unsafe partial int ProcPidInfoNative(int pid, int flavor, ulong arg, byte* buffer, int bufferSize);

    [LibraryImport(LibC, EntryPoint = "proc_listpids", SetLastError = true)]
    private static unsafe partial int ProcListPidsNative(uint type, uint typeInfo, int* buffer, int bufferSize);

    [LibraryImport(LibC, EntryPoint = "proc_pid_rusage", SetLastError = true)]
    private static unsafe partial int ProcPidRusageNative(int pid, int flavor, byte* buffer);

    [LibraryImport(LibC, EntryPoint = "sysctl", SetLastError = true)]
    private static unsafe partial int SysctlNative(int* name, uint nameLength, byte* oldp, nuint* oldLength, byte* newp, nuint newLength);

    [LibraryImport(LibC, EntryPoint = "mach_host_self")]
    private static partial uint MachHostSelfNative();

    [LibraryImport(LibC, EntryPoint = "host_statistics64")]
    private static unsafe partial int HostStatistics64Native(uint host, int flavor, byte* info, uint* count);

    /// <summary>proc_pidinfo(PROC_PIDTBSDINFO): start time in µs since the epoch, parent, and whether it is a zombie.</summary>
    public static unsafe (long StartMicros, int ParentId, bool Zombie)? MacBsdInfo(int pid)
    {
        var buffer = stackalloc byte[MacKernelRecords.BsdInfoSize];
        if (ProcPidInfoNative(pid, ProcPidTbsdInfo, 0, buffer, MacKernelRecords.BsdInfoSize) != MacKernelRecords.BsdInfoSize)
            return null;
        return MacKernelRecords.BsdInfo(new ReadOnlySpan<byte>(buffer, MacKernelRecords.BsdInfoSize));
    }

    /// <summary>proc_listpids(PROC_PPID_ONLY): the direct children of <paramref name="pid"/>.</summary>
    public static unsafe IReadOnlyList<int> MacChildren(int pid) => MacListPids(ProcPpidOnly, (uint)pid);

    public static unsafe IReadOnlyList<int> MacListPids(uint type, uint typeInfo)
    {
        var buffer = new int[4096];
        int bytes;
        fixed (int* p = buffer)
            bytes = ProcListPidsNative(type, typeInfo, p, buffer.Length * sizeof(int));
        return [.. buffer.Take(Math.Max(0, bytes / sizeof(int))).Where(p => p > 0)];
    }

    /// <summary>proc_pid_rusage(RUSAGE_INFO_V2).ri_phys_footprint: what Activity Monitor calls Memory, unified GPU memory included.</summary>
    public static unsafe long? MacPhysFootprint(int pid)
    {
        // Larger than rusage_info_v2 costs nothing, and guards against a kernel that writes more.
        var buffer = stackalloc byte[512];
        if (ProcPidRusageNative(pid, RusageInfoV2, buffer) != 0)
            return null;
        return MacKernelRecords.PhysFootprint(new ReadOnlySpan<byte>(buffer, MacKernelRecords.RusageInfoV2Size));
    }

    /// <summary>sysctl(KERN_PROCARGS2): argc, the exec path, padding, then argv; the environment follows and is not read.</summary>
    public static unsafe IReadOnlyList<string>? MacCommandLine(int pid)
    {
        var mib = stackalloc int[] { CtlKern, KernProcArgs2, pid };
        // kern.argmax (1 MB) bounds the record; rented, as a fresh array would land on the LOH at every call.
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            nuint length = (nuint)buffer.Length;
            fixed (byte* p = buffer)
            {
                if (SysctlNative(mib, 3, p, &length, null, 0) != 0 || length < sizeof(int))
                    return null;
            }
            return MacKernelRecords.CommandLine(buffer.AsSpan(0, (int)length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>host_statistics64(HOST_VM_INFO64): free and inactive pages, which the system can hand out
    /// without swapping, in bytes.</summary>
    public static unsafe long? MacAvailableMemory()
    {
        // A larger buffer than vm_statistics64 costs nothing.
        var buffer = stackalloc byte[256];
        uint count = MacKernelRecords.VmStatistics64Words;
        if (HostStatistics64Native(MachHostSelfNative(), HostVmInfo64, buffer, &count) != 0)
            return null;
        return MacKernelRecords.AvailablePages(new ReadOnlySpan<byte>(buffer, 256)) * Environment.SystemPageSize;
    }
}
