using FluentAssertions;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Ledger;
using MlxSupervisor.Tests.Support;
using Xunit;
using static MlxSupervisor.Tests.Ledger.FleetOf;

namespace MlxSupervisor.Tests.Ledger;

/// <summary><c>footprints.json</c>: each server's last peak, kept across daemon restarts, in a real temporary folder.</summary>
public sealed class PeakFootprintStoreSpecs : IDisposable
{
    private readonly TempDirectory _state = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public PeakFootprintStoreSpecs() => _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs));

    private string FilePath => Path.Combine(_state.Path, PeakFootprintStore.FileName);

    private int Warnings => _logs.Lines.Count(l => l.StartsWith("[Warning]", StringComparison.Ordinal));

    /// <summary>A store as a daemon starting in the state directory makes one.</summary>
    private PeakFootprintStore Open() => new(_state.Path, _loggerFactory.CreateLogger("footprints"));

    public void Dispose()
    {
        _loggerFactory.Dispose();
        _state.Dispose();
    }

    [Fact]
    public void A_recorded_peak_is_known_to_the_next_daemon_started_in_the_same_state_directory()
    {
        var store = Open();
        store.Record("chat", 5 * GB);
        store.Record("coder", 21 * GB);

        var next = Open();

        (next.PeakOf("chat"), next.PeakOf("coder")).Should().Be((5 * GB, 21 * GB));
    }

    [Fact]
    public void A_new_peak_replaces_the_last_runs_even_when_lower()
    {
        var store = Open();
        store.Record("chat", 5 * GB);

        store.Record("chat", 3 * GB);

        Open().PeakOf("chat").Should().Be(3 * GB, "the estimate is the peak of the last run, not of every run");
    }

    [Fact]
    public void A_forgotten_server_has_no_peak_in_the_next_daemon_either()
    {
        var store = Open();
        store.Record("chat", 5 * GB);
        store.Record("coder", 21 * GB);

        store.Forget("chat");

        store.PeakOf("chat").Should().BeNull();
        var next = Open();
        (next.PeakOf("chat"), next.PeakOf("coder")).Should().Be(((long?)null, 21 * GB));
    }

    [Fact]
    public void Peaks_of_servers_no_longer_configured_are_dropped()
    {
        var store = Open();
        store.Record("chat", 5 * GB);
        store.Record("retired", 9 * GB);

        store.Retain(["chat", "coder"]);

        var next = Open();
        (next.PeakOf("chat"), next.PeakOf("retired")).Should().Be((5 * GB, (long?)null));
    }

    [Fact]
    public void A_peak_never_measured_is_not_recorded()
    {
        var store = Open();

        store.Record("chat", 0);

        store.PeakOf("chat").Should().BeNull();
        File.Exists(FilePath).Should().BeFalse();
    }

    [Fact]
    public void A_missing_file_is_no_record_and_no_warning()
    {
        var store = Open();

        store.PeakOf("chat").Should().BeNull();
        Warnings.Should().Be(0, "a first start has no file, and that is nothing to warn about");
    }

    [Fact]
    public void A_corrupt_file_is_no_record_and_one_warning_and_the_next_record_replaces_it()
    {
        _state.File(PeakFootprintStore.FileName, "{\"peakBytes\": {\"chat\": 53");

        var store = Open();
        store.PeakOf("chat").Should().BeNull();
        store.Record("coder", 21 * GB);

        Warnings.Should().Be(1);
        _logs.Contains(FilePath).Should().BeTrue(_logs.Dump());
        Open().PeakOf("coder").Should().Be(21 * GB);
        Warnings.Should().Be(1, "the file written after the corrupt one reads cleanly");
    }

    [Fact]
    public void A_file_of_the_wrong_shape_is_no_record_and_one_warning()
    {
        _state.File(PeakFootprintStore.FileName, "{\"peakBytes\": {\"chat\": \"lots\"}}");

        Open().PeakOf("chat").Should().BeNull();

        Warnings.Should().Be(1);
    }

    [Fact]
    public void A_record_replaces_the_file_by_rename_so_a_reader_of_the_old_file_sees_it_whole()
    {
        var store = Open();
        store.Record("chat", 5 * GB);
        var before = File.ReadAllText(FilePath);
        using var reader = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        store.Record("coder", 21 * GB);

        // Written in place, the open file would now be truncated or hold the new text; renamed over, the reader
        // still holds the old file, whole.
        using (var old = new StreamReader(reader))
            old.ReadToEnd().Should().Be(before);
        File.ReadAllText(FilePath).Should().Contain("coder");
        Directory.GetFiles(_state.Path).Should().Equal([FilePath], "no temporary file is left beside it");
    }

    [Fact]
    public void A_temporary_file_left_by_a_crash_in_mid_write_is_ignored()
    {
        Open().Record("chat", 5 * GB);
        _state.File(PeakFootprintStore.FileName + ".tmp", "{\"peakBytes\": {\"chat\": 9");

        var next = Open();

        next.PeakOf("chat").Should().Be(5 * GB);
        Warnings.Should().Be(0);
    }

    [Fact]
    public void A_write_that_fails_never_throws_warns_once_and_keeps_the_peak_in_memory_until_a_write_succeeds()
    {
        var store = Open();
        // A folder where the temporary file goes makes every write fail, whoever runs the test (root included).
        var blocker = Directory.CreateDirectory(FilePath + ".tmp");

        store.Record("chat", 5 * GB);
        store.Record("coder", 21 * GB);

        store.PeakOf("chat").Should().Be(5 * GB);
        Warnings.Should().Be(1, _logs.Dump());
        File.Exists(FilePath).Should().BeFalse();

        blocker.Delete();
        store.Record("embed", 1 * GB);

        var next = Open();
        (next.PeakOf("chat"), next.PeakOf("coder"), next.PeakOf("embed")).Should().Be((5 * GB, 21 * GB, 1 * GB));
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task Peaks_recorded_by_many_units_at_once_are_all_kept()
    {
        var store = Open();
        var names = Enumerable.Range(0, 64).Select(i => $"server-{i}").ToList();
        using var go = new ManualResetEventSlim();

        var units = names.Select((name, i) => Task.Run(() =>
        {
            go.Wait();
            store.Record(name, (i + 1) * GB);
        })).ToList();
        go.Set();
        await Task.WhenAll(units);

        var next = Open();
        names.Select(next.PeakOf).Should().Equal(names.Select((_, i) => (long?)((i + 1) * GB)));
        Warnings.Should().Be(0);
    }
}
