using System.Globalization;
using FluentAssertions;
using MlxSupervisor.Process;
using MlxSupervisor.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace MlxSupervisor.Tests.Chaos;

/// <summary>
/// The real daemon against a server that SIGKILLs arrive at random moments of its life. Each life of the
/// simulated server passes through every state on its own (it starts slowly, turns unhealthy, ignores
/// SIGTERM, so the daemon backs off), and the kills are aimed at each state in turn, at a random point in it.
/// </summary>
public sealed class ChaosSpecs(ITestOutputHelper output)
{
    private const int Kills = 30;
    private const int ChaosTestMs = 240_000;

    /// <summary>How far the daemon's descriptors, threads and live timers may end above where they started.</summary>
    private const int FdBound = 6;
    private const int ThreadBound = 8;
    private const int TimerBound = 4;

    private enum Moment
    {
        Starting,
        Healthy,
        Stopping,
        BackingOff,
    }

    [Fact(Timeout = ChaosTestMs)]
    public async Task Thirty_SIGKILLs_at_random_moments_leave_one_server_no_orphan_and_the_daemons_descriptors_threads_and_timers_where_they_were()
    {
        using var dir = new TempDirectory();
        var tag = Guid.NewGuid().ToString("N");
        var config = DaemonRun.WriteConfig(dir, FreePort.Next(), Path.Combine(dir.Path, "state"),
            ["--spawn-helper", "--startup-delay-ms", "300", "--hang-health-after-ms", "1500", "--ignore-sigterm"],
            grace: "00:00:00.600",
            restart: """{ "InitialDelay": "00:00:00.200", "MaxDelay": "00:00:00.800", "ResetAfter": "00:00:30" }""");
        using var status = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri(System.Text.Json.JsonDocument.Parse(File.ReadAllText(config)).RootElement.GetProperty("Status").GetProperty("Listen").GetString()!),
        };
        var random = new Random();
        var landed = new Dictionary<Moment, int>();
        var missed = 0;
        try
        {
            await using var daemon = DaemonRun.Start(config, Path.Combine(dir.Path, "logs"), tag);
            await daemon.WaitForLine("healthy after", TimeSpan.FromSeconds(30));
            var (fdsCold, threadsCold) = Resources(daemon.Pid);
            (int Fds, int Threads)? warm = null;
            double? timersWarm = null;
            var started = DateTime.UtcNow;

            for (var kill = 0; kill < Kills; kill++)
            {
                var moment = (Moment)(kill % 4);
                var mark = daemon.Lines.Count;
                int target;
                switch (moment)
                {
                    case Moment.Starting:
                        target = DaemonProcess.PidIn(await daemon.WaitForLine("Started pid=", skip: mark));
                        await Task.Delay(random.Next(0, 300));
                        break;
                    case Moment.Healthy:
                        target = DaemonProcess.PidIn(await daemon.WaitForLine("healthy after", skip: mark));
                        // Where the daemon "starts" from: healthy, after a first round of every kind of kill has
                        // loaded what a restart needs (Polly, for one, is first used by the first restart).
                        if (kill >= 4 && warm is null)
                        {
                            // Timers first: the first scrape of /metrics loads what it needs, descriptors included.
                            timersWarm = await LiveTimers(status);
                            warm = Resources(daemon.Pid);
                        }
                        await Task.Delay(random.Next(0, 1000));
                        break;
                    case Moment.Stopping:
                        target = DaemonProcess.PidIn(await daemon.WaitForLine("SIGTERM sent to pid=", skip: mark));
                        await Task.Delay(random.Next(0, 500));
                        break;
                    default:
                        // Racing the end of the back-off: the next server is killed the moment it exists, often
                        // while it is still the launcher, before it has its own process group.
                        await daemon.WaitForLine("Restart ", skip: mark);
                        target = await NextChild(daemon.Pid, TimeSpan.FromSeconds(10));
                        break;
                }
                if (NativeMethods.Kill(target, Signals.SIGKILL) != 0)
                    missed++;
                landed[moment] = landed.GetValueOrDefault(moment) + 1;
            }

            var afterKills = daemon.Lines.Count;
            var server = DaemonProcess.PidIn(await daemon.WaitForLine("healthy after", TimeSpan.FromSeconds(30), skip: afterKills));
            var timersAfter = await LiveTimers(status);
            var (fdsAfter, threadsAfter) = Resources(daemon.Pid);
            var children = Children(daemon.Pid);
            var others = DaemonRun.TaggedProcesses(tag).Except([daemon.Pid]).ToList();
            output.WriteLine($"{Kills} kills in {(DateTime.UtcNow - started).TotalSeconds:0.0} s ({string.Join(", ", landed.Select(p => $"{p.Key}: {p.Value}"))}; {missed} found their target already gone)");
            var (fdsBefore, threadsBefore) = warm!.Value;
            output.WriteLine($"daemon fds {fdsCold} at the first healthy server, {fdsBefore} after the first round of kills, {fdsAfter} at the end");
            output.WriteLine($"daemon threads {threadsCold} at the first healthy server, {threadsBefore} after the first round of kills, {threadsAfter} at the end");
            output.WriteLine($"daemon timers {timersWarm} after the first round of kills, {timersAfter} at the end");

            children.Should().Equal([server], "exactly one server runs");
            others.Should().OnlyContain(pid => ProcStat.TryRead(pid)!.Value.GroupId == server, "every other process is the current server's own (its helper): no orphan");
            fdsAfter.Should().BeLessThanOrEqualTo(fdsBefore + FdBound, daemon.Dump());
            threadsAfter.Should().BeLessThanOrEqualTo(threadsBefore + ThreadBound);
            timersAfter.Should().BeLessThanOrEqualTo(timersWarm!.Value + TimerBound, "a timer left by each restart would pile up");

            daemon.Signal(Signals.SIGTERM);
            (await daemon.WaitForExit(TimeSpan.FromSeconds(20))).Should().Be(0);
            DaemonRun.TaggedProcesses(tag).Should().BeEmpty("the daemon's shutdown leaves nothing behind");
        }
        finally
        {
            DaemonRun.KillTagged(tag).Should().BeEmpty("no process may outlive the test");
        }
    }

    /// <summary>The daemon's live timers, as its runtime counts them (System.Runtime's dotnet.timer.count on /metrics).</summary>
    private static async Task<double> LiveTimers(HttpClient status) =>
        PrometheusText.Parse(await status.GetStringAsync("/metrics")).Value("dotnet_timer_count");

    private static (int Fds, int Threads) Resources(int pid)
    {
        var fds = Directory.GetFiles($"/proc/{pid}/fd").Length;
        var threads = Directory.GetDirectories($"/proc/{pid}/task").Length;
        return (fds, threads);
    }

    private static List<int> Children(int parent)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && ProcStat.TryRead(pid) is { State: not ('Z' or 'X') } stat && stat.ParentId == parent)
                children.Add(pid);
        }
        return children;
    }

    private static async Task<int> NextChild(int parent, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (Children(parent) is [var child, ..])
                return child;
            await Task.Delay(1);
        }
        throw new TimeoutException("the daemon spawned no server after its back-off");
    }

}
