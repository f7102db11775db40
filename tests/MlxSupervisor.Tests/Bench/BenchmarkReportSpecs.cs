using FluentAssertions;
using MlxSupervisor.Bench;
using MlxSupervisor.Bench.Clients;
using MlxSupervisor.Bench.Machine;
using MlxSupervisor.Bench.Report;
using MlxSupervisor.Bench.Scenarios;
using Xunit;

namespace MlxSupervisor.Tests.Bench;

/// <summary>The report's issue-12 sections, drawn from results written by hand.</summary>
public sealed class BenchmarkReportSpecs
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_startup_probes_are_due_at_once_then_25_ms_later_each_wait_doubling_up_to_the_interval()
    {
        BenchmarkReport.StartupProbeTimes(1000).Take(9).Should().Equal(0, 25, 75, 175, 375, 775, 1575, 2575, 3575);
    }

    [Fact]
    public void A_port_that_opens_between_two_probes_waits_for_the_next_one_by_the_schedule()
    {
        BenchmarkReport.ScheduleWaitMs(400, 1000).Should().Be(375);
        BenchmarkReport.ScheduleWaitMs(375, 1000).Should().Be(0);
    }

    [Fact]
    public void A_partial_run_reports_the_sections_it_measured_and_no_others()
    {
        var report = BenchmarkReport.Render(Results(Streams(StreamVerdict.Whole), [ScenarioSelection.StreamIntegrity]));

        report.Should().Contain("**Partial run** of stream-integrity alone")
            .And.Contain("## 9. Streams under kill -9")
            .And.NotContain("## 1. Crash recovery")
            .And.NotContain("## 7. Port open to Running")
            .And.NotContain("## 6. Front door");
    }

    [Fact]
    public void One_truncated_but_clean_stream_misses_the_target_in_the_report()
    {
        var report = BenchmarkReport.Render(Results(Streams(StreamVerdict.Whole, StreamVerdict.ErrorSeen, StreamVerdict.TruncatedClean), [ScenarioSelection.StreamIntegrity]));

        report.Should().Contain("1 / 1 / **1** of 3 streams")
            .And.Contain("1 truncated but clean (**not met**)")
            .And.Contain("every stream whole or\nan error its client saw: 2 of 3 (**not met**)");
    }

    [Fact]
    public void A_selected_scenario_the_daemon_measured_lacks_is_reported_as_pending()
    {
        var report = BenchmarkReport.Render(Results(null, [ScenarioSelection.Readiness, ScenarioSelection.Zombies, ScenarioSelection.StreamIntegrity]));

        report.Should().Contain("## 7. Port open to Running").And.Contain("## 8. Zombie to replacement").And.Contain("## 9. Streams under kill -9");
        report.Split("**Pending.**").Should().HaveCount(4, "each of the three sections says it is pending");
    }

    private static StreamIntegrityResult Streams(params StreamVerdict[] verdicts) =>
        new("settings", 6, 8, 24, 10, [At.AddSeconds(5)],
            verdicts.Select(v => new StreamRecord(v, 8, CrossedKill: v != StreamVerdict.Whole,
                new StreamReading(At, At.AddSeconds(1), 200, At, "tok1", v == StreamVerdict.Whole, null, null, 0, null, NoEnd: false))).ToList(),
            SentAgain: 0, Spliced: 0, Cut: 1);

    private static BenchResults Results(StreamIntegrityResult? streams, IReadOnlyList<string> only) =>
        new(BenchSettings.SmokeRun, "dotnet run", new MachineInfo("2", "cpu", "1 GiB", "os", ".NET", "4.2.5", "abc1234", At), new LoadLog(), TimeSpan.FromMinutes(1),
            null, null, null, null, null, null, null, StreamIntegrity: streams, Only: only);
}
