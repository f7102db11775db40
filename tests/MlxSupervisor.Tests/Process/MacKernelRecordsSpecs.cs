using System.Text;
using FluentAssertions;
using MlxSupervisor.Process;
using Xunit;

namespace MlxSupervisor.Tests.Process;

/// <summary>
/// The macOS records, which no Linux kernel fills in, laid out here field by field in the order Apple's headers
/// declare them (natural alignment, little-endian), so a wrong offset in the reader shows as a wrong value.
/// </summary>
public sealed class MacKernelRecordsSpecs
{
    [Fact]
    public void Proc_bsdinfo_gives_the_parent_the_start_time_and_whether_it_is_a_zombie()
    {
        // struct proc_bsdinfo, <sys/proc_info.h>
        var record = new Record()
            .U32(0x10)        // pbi_flags
            .U32(5)           // pbi_status: SZOMB
            .U32(0)           // pbi_xstatus
            .U32(4242)        // pbi_pid
            .U32(1)           // pbi_ppid
            .U32(501).U32(20).U32(501).U32(20).U32(501).U32(20) // uid, gid, ruid, rgid, svuid, svgid
            .U32(0)           // rfu_1
            .Chars("python3", 16)     // pbi_comm[MAXCOMLEN]
            .Chars("mlx_lm.server", 32) // pbi_name[2*MAXCOMLEN]
            .U32(12).U32(4242).U32(0).U32(0).U32(0) // nfiles, pgid, pjobc, e_tdev, e_tpgid
            .I32(-5)          // pbi_nice
            .U64(1_764_590_400) // pbi_start_tvsec
            .U64(123_456)     // pbi_start_tvusec
            .Bytes();

        record.Length.Should().Be(MacKernelRecords.BsdInfoSize);
        MacKernelRecords.BsdInfo(record).Should().Be((1_764_590_400L * 1_000_000 + 123_456, 1, true));
    }

    [Fact]
    public void A_running_process_is_not_a_zombie()
    {
        var record = new byte[MacKernelRecords.BsdInfoSize];
        record[4] = 2; // SRUN

        MacKernelRecords.BsdInfo(record).Zombie.Should().BeFalse();
    }

    [Fact]
    public void Rusage_info_v2_gives_the_phys_footprint()
    {
        // struct rusage_info_v2, <sys/resource.h>: a uuid, then 18 counters; each counter gets its own value.
        var record = new Record().Chars("0123456789abcdef", 16);
        string[] counters =
        [
            "user_time", "system_time", "pkg_idle_wkups", "interrupt_wkups", "pageins", "wired_size", "resident_size",
            "phys_footprint", "proc_start_abstime", "proc_exit_abstime", "child_user_time", "child_system_time",
            "child_pkg_idle_wkups", "child_interrupt_wkups", "child_pageins", "child_elapsed_abstime",
            "diskio_bytesread", "diskio_byteswritten",
        ];
        foreach (var counter in counters)
            record.U64(counter == "phys_footprint" ? 96L << 30 : 1_000 + Array.IndexOf(counters, counter));
        var bytes = record.Bytes();

        bytes.Length.Should().Be(MacKernelRecords.RusageInfoV2Size);
        MacKernelRecords.PhysFootprint(bytes).Should().Be(96L << 30);
    }

    [Fact]
    public void Vm_statistics64_gives_free_and_inactive_pages_without_counting_speculative_ones_twice()
    {
        // struct vm_statistics64, <mach/vm_statistics.h>; speculative pages are already part of free_count.
        var record = new Record()
            .U32(1_000)   // free_count
            .U32(7_000)   // active_count
            .U32(300)     // inactive_count
            .U32(9_000);  // wire_count
        for (var i = 0; i < 9; i++)
            record.U64(50_000 + i); // zero_fill_count … purges
        record.U32(40)      // purgeable_count
            .U32(200);      // speculative_count
        for (var i = 0; i < 4; i++)
            record.U64(60_000 + i); // decompressions, compressions, swapins, swapouts
        record.U32(1).U32(2).U32(3).U32(4) // compressor_page_count, throttled, external, internal
            .U64(70_000);   // total_uncompressed_pages_in_compressor
        var bytes = record.Bytes();

        bytes.Length.Should().Be(MacKernelRecords.VmStatistics64Words * sizeof(int));
        MacKernelRecords.AvailablePages(bytes).Should().Be(1_300);
    }

    [Fact]
    public void Kern_procargs2_gives_the_arguments_without_the_exec_path_or_the_environment()
    {
        var record = new Record()
            .I32(4)
            .Chars("/opt/homebrew/bin/python3", 26) // the exec path and its NUL
            .Chars("", 6)                       // padding to the next word
            .Chars("python3", 8).Chars("-m", 3).Chars("mlx_lm.server", 14).Chars("--port=8080", 12)
            .Chars("HF_TOKEN=secret", 16)
            .Bytes();

        MacKernelRecords.CommandLine(record).Should().Equal("python3", "-m", "mlx_lm.server", "--port=8080");
    }

    [Fact]
    public void A_cut_short_kern_procargs2_gives_what_it_holds()
    {
        var record = new Record().I32(3).Chars("/usr/bin/env", 13).Chars("env", 4).Bytes();

        MacKernelRecords.CommandLine(record).Should().Equal("env");
        MacKernelRecords.CommandLine(new byte[2]).Should().BeEmpty();
    }

    /// <summary>A record built in declaration order, each field aligned to its own size as the C compiler does.</summary>
    private sealed class Record
    {
        private readonly List<byte> _bytes = [];

        public Record U32(uint value) => Field(BitConverter.GetBytes(value));

        public Record I32(int value) => Field(BitConverter.GetBytes(value));

        public Record U64(long value) => Field(BitConverter.GetBytes(value));

        /// <summary>A char array of <paramref name="size"/> bytes, NUL-padded.</summary>
        public Record Chars(string text, int size)
        {
            var field = new byte[size];
            Encoding.UTF8.GetBytes(text).CopyTo(field, 0);
            _bytes.AddRange(field);
            return this;
        }

        public byte[] Bytes() => [.. _bytes];

        private Record Field(byte[] value)
        {
            while (_bytes.Count % value.Length != 0)
                _bytes.Add(0);
            _bytes.AddRange(value);
            return this;
        }
    }
}
