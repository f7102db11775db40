using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace MlxSupervisor.Process;

/// <summary>macOS only: libproc, sysctl and the Mach host statistics, all in libSystem. Never called on Linux.</summary>
internal static partial class NativeMethods
{
    private const int ProcPidTbsdInfo = 3;
    private const int ProcBsdInfoSize = 136;
    private const uint ProcPpidOnly = 6;
    private const int RusageInfoV2 = 2;
    private const int CtlKern = 1;
    private const int KernProcArgs2 = 49;
    private const int HostVmInfo64 = 4;
    private const int SZomb = 5;

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
        var buffer = stackalloc byte[ProcBsdInfoSize];
        if (ProcPidInfoNative(pid, ProcPidTbsdInfo, 0, buffer, ProcBsdInfoSize) != ProcBsdInfoSize)
            return null;
        var info = new ReadOnlySpan<byte>(buffer, ProcBsdInfoSize);
        var status = BinaryPrimitives.ReadUInt32LittleEndian(info[4..]);
        var ppid = (int)BinaryPrimitives.ReadUInt32LittleEndian(info[16..]);
        var seconds = (long)BinaryPrimitives.ReadUInt64LittleEndian(info[120..]);
        var micros = (long)BinaryPrimitives.ReadUInt64LittleEndian(info[128..]);
        return (seconds * 1_000_000 + micros, ppid, status == SZomb);
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
        // rusage_info_v2 is 160 bytes; ri_phys_footprint follows the uuid and seven uint64 counters.
        var buffer = stackalloc byte[512];
        if (ProcPidRusageNative(pid, RusageInfoV2, buffer) != 0)
            return null;
        return (long)BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(buffer + 72, 8));
    }

    /// <summary>sysctl(KERN_PROCARGS2): argc, the exec path, padding, then argv; the environment follows and is not read.</summary>
    public static unsafe IReadOnlyList<string>? MacCommandLine(int pid)
    {
        var mib = stackalloc int[] { CtlKern, KernProcArgs2, pid };
        var buffer = new byte[1 << 20];
        nuint length = (nuint)buffer.Length;
        fixed (byte* p = buffer)
        {
            if (SysctlNative(mib, 3, p, &length, null, 0) != 0 || length < sizeof(int))
                return null;
        }
        var data = buffer.AsSpan(0, (int)length);
        var argc = BinaryPrimitives.ReadInt32LittleEndian(data);
        var position = sizeof(int);
        position += Math.Max(0, data[position..].IndexOf((byte)0)); // exec path
        while (position < data.Length && data[position] == 0)
            position++;
        var args = new List<string>(argc);
        while (args.Count < argc && position < data.Length)
        {
            var end = data[position..].IndexOf((byte)0);
            if (end < 0)
                end = data.Length - position;
            args.Add(System.Text.Encoding.UTF8.GetString(data.Slice(position, end)));
            position += end + 1;
        }
        return args;
    }

    /// <summary>host_statistics64(HOST_VM_INFO64): free, inactive and speculative pages, which the system can hand out
    /// without swapping, in bytes.</summary>
    public static unsafe long? MacAvailableMemory()
    {
        // vm_statistics64 is 38 natural_t wide; a larger buffer costs nothing.
        var buffer = stackalloc byte[256];
        uint count = 38;
        if (HostStatistics64Native(MachHostSelfNative(), HostVmInfo64, buffer, &count) != 0)
            return null;
        var stats = new ReadOnlySpan<byte>(buffer, 256);
        long free = BinaryPrimitives.ReadUInt32LittleEndian(stats);
        long inactive = BinaryPrimitives.ReadUInt32LittleEndian(stats[8..]);
        long speculative = BinaryPrimitives.ReadUInt32LittleEndian(stats[92..]);
        return (free + inactive + speculative) * Environment.SystemPageSize;
    }
}
