using System.Buffers.Binary;
using System.Text;

namespace MlxSupervisor.Process;

/// <summary>
/// Reads the records the macOS kernel fills in, at the offsets of Apple's headers. Kept apart from the calls that
/// fetch them so that the layouts, which only a Mac can produce, are still checked on Linux against buffers laid
/// out field by field as the headers declare them.
/// </summary>
internal static class MacKernelRecords
{
    /// <summary><c>sizeof(struct proc_bsdinfo)</c>, &lt;sys/proc_info.h&gt;.</summary>
    public const int BsdInfoSize = 136;

    /// <summary><c>sizeof(struct rusage_info_v2)</c>, &lt;sys/resource.h&gt;.</summary>
    public const int RusageInfoV2Size = 160;

    /// <summary><c>HOST_VM_INFO64_COUNT</c>: <c>vm_statistics64</c> in 32-bit words, &lt;mach/vm_statistics.h&gt;.</summary>
    public const int VmStatistics64Words = 38;

    private const uint ZombieStatus = 5; // SZOMB, <sys/proc.h>

    /// <summary><c>proc_bsdinfo</c>: pbi_status at 4, pbi_ppid at 16, pbi_start_tvsec and _tvusec at 120 and 128.</summary>
    public static (long StartMicros, int ParentId, bool Zombie) BsdInfo(ReadOnlySpan<byte> info)
    {
        var status = BinaryPrimitives.ReadUInt32LittleEndian(info[4..]);
        var ppid = (int)BinaryPrimitives.ReadUInt32LittleEndian(info[16..]);
        var seconds = (long)BinaryPrimitives.ReadUInt64LittleEndian(info[120..]);
        var micros = (long)BinaryPrimitives.ReadUInt64LittleEndian(info[128..]);
        return (seconds * 1_000_000 + micros, ppid, status == ZombieStatus);
    }

    /// <summary><c>rusage_info_v2.ri_phys_footprint</c>: after the 16-byte uuid and seven 64-bit counters.</summary>
    public static long PhysFootprint(ReadOnlySpan<byte> rusage) => (long)BinaryPrimitives.ReadUInt64LittleEndian(rusage[72..]);

    /// <summary>
    /// Pages the system can hand out without swapping, from <c>vm_statistics64</c>: free_count (at 0) and
    /// inactive_count (at 8). Speculative pages are not added: the header notes they are already counted as free.
    /// </summary>
    public static long AvailablePages(ReadOnlySpan<byte> statistics) =>
        (long)BinaryPrimitives.ReadUInt32LittleEndian(statistics) + BinaryPrimitives.ReadUInt32LittleEndian(statistics[8..]);

    /// <summary>
    /// <c>KERN_PROCARGS2</c>: argc, the exec path, NUL padding, then argc NUL-terminated arguments; the environment
    /// follows and is not read.
    /// </summary>
    public static IReadOnlyList<string> CommandLine(ReadOnlySpan<byte> procArgs)
    {
        if (procArgs.Length < sizeof(int))
            return [];
        var argc = BinaryPrimitives.ReadInt32LittleEndian(procArgs);
        var position = sizeof(int);
        position += Math.Max(0, procArgs[position..].IndexOf((byte)0)); // exec path
        while (position < procArgs.Length && procArgs[position] == 0)
            position++;
        var args = new List<string>(Math.Clamp(argc, 0, 256));
        while (args.Count < argc && position < procArgs.Length)
        {
            var end = procArgs[position..].IndexOf((byte)0);
            if (end < 0)
                end = procArgs.Length - position;
            args.Add(Encoding.UTF8.GetString(procArgs.Slice(position, end)));
            position += end + 1;
        }
        return args;
    }
}
