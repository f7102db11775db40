using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FluentAssertions;
using Microsoft.Extensions.Logging;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Notify;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Notify;

/// <summary>The Notify hook run for real (through /bin/sh), beside a real supervisor of the simulated server.</summary>
public sealed class EventHookSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<string> WaitForFile(string path)
    {
        var deadline = DateTime.UtcNow + Timeouts.Wait;
        while (!File.Exists(path))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{path} never appeared");
            await Task.Delay(20);
        }
        return await File.ReadAllTextAsync(path);
    }

    private static EventHooks Hooks(RealSupervisor s, NotifyOptions options, ILoggerFactory logs) =>
        new(options, LoneUnit.Fleet(s.Options, s.Supervisor, new FrontDoorStatistics(TimeProvider.System), TimeProvider.System), TimeProvider.System, logs);

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_hook_runs_when_the_circuit_opens_with_the_event_in_its_environment_and_as_JSON_on_stdin()
    {
        await using var s = new RealSupervisor(["--crash-after-ms", "0"], o =>
        {
            o.Restart.InitialDelay = TimeSpan.FromMilliseconds(20);
            o.Restart.MaxDelay = TimeSpan.FromMilliseconds(100);
            o.CircuitBreaker.FailureThreshold = 2;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
        });
        using var logs = LoggerFactory.Create(b => b.AddProvider(s.Logs));
        // Written aside and renamed, so the test never reads a half-written file.
        const string Script = """
            env | grep '^MLXSUP_' | sort > "$0/$MLXSUP_EVENT.env.part" && mv "$0/$MLXSUP_EVENT.env.part" "$0/$MLXSUP_EVENT.env"
            cat > "$0/$MLXSUP_EVENT.json.part" && mv "$0/$MLXSUP_EVENT.json.part" "$0/$MLXSUP_EVENT.json"
            """;
        using var hooks = Hooks(s, new NotifyOptions { Command = "/bin/sh", Arguments = ["-c", Script, _dir.Path] }, logs);
        await hooks.StartAsync(CancellationToken.None);
        s.Run();

        var open = await s.WaitFor(x => x.State == SupervisorState.CircuitOpen);
        var env = (await WaitForFile(Path.Combine(_dir.Path, "circuit-open.env")))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        using var json = JsonDocument.Parse(await WaitForFile(Path.Combine(_dir.Path, "circuit-open.json")));
        await hooks.StopAsync(CancellationToken.None);

        env["MLXSUP_EVENT"].Should().Be("circuit-open");
        env["MLXSUP_CIRCUIT"].Should().Be("Open");
        env["MLXSUP_REASON"].Should().StartWith("too many failed restarts: circuit open until ");
        DateTimeOffset.Parse(env["MLXSUP_REOPENS_AT"], CultureInfo.InvariantCulture).Should().Be(open.CircuitReopensAt!.Value);
        DateTimeOffset.Parse(env["MLXSUP_AT"], CultureInfo.InvariantCulture).Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        env.Keys.Should().Contain(["MLXSUP_STATE", "MLXSUP_PID", "MLXSUP_EXIT_CODE", "MLXSUP_RESTARTS"]);
        json.RootElement.GetProperty("event").GetString().Should().Be("circuit-open");
        json.RootElement.GetProperty("reopensAt").GetDateTimeOffset().Should().Be(open.CircuitReopensAt!.Value);
        json.RootElement.GetProperty("circuit").GetString().Should().Be("Open");

        var restart = (await WaitForFile(Path.Combine(_dir.Path, "restart.env"))).Split('\n');
        restart.Should().Contain("MLXSUP_CAUSE=exited").And.Contain(l => l.StartsWith("MLXSUP_EXIT_CODE=", StringComparison.Ordinal) && l.Length > 17);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_hook_that_hangs_is_killed_with_its_children_at_its_timeout_while_supervision_goes_on()
    {
        await using var s = new RealSupervisor(["--crash-after-ms", "0"], o =>
        {
            o.Restart.InitialDelay = TimeSpan.FromMilliseconds(50);
            o.Restart.MaxDelay = TimeSpan.FromMilliseconds(200);
            o.CircuitBreaker.FailureThreshold = 1000;
        });
        using var logs = LoggerFactory.Create(b => b.AddProvider(s.Logs));
        const string Script = """
            sleep 600 & echo "$$ $!" > "$0/pids.part" && mv -n "$0/pids.part" "$0/pids"
            wait
            """;
        var timeout = TimeSpan.FromSeconds(2);
        using var hooks = Hooks(s, new NotifyOptions { Command = "/bin/sh", Arguments = ["-c", Script, _dir.Path], Timeout = timeout }, logs);
        await hooks.StartAsync(CancellationToken.None);
        s.Run();

        var pids = (await WaitForFile(Path.Combine(_dir.Path, "pids"))).Split(' ').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var spawnsWhenHookStarted = s.Launcher.Started.Count;
        var running = Stopwatch.StartNew();
        (await ProcessAssert.EventuallyGone(pids[0], timeout + TimeSpan.FromSeconds(20))).Should().BeTrue("the hook is killed at its timeout");
        var killedAfter = running.Elapsed;
        var spawnsWhenHookKilled = s.Launcher.Started.Count;
        await hooks.StopAsync(CancellationToken.None);

        ProcessAssert.IsAlive(pids[1]).Should().BeFalse("the hook's process group is killed, its sleep with it");
        // Measured from when the test saw the hook's file, which lags the hook's start by its own startup.
        killedAfter.Should().BeGreaterThan(timeout / 2, "it is killed at the timeout, not before");
        s.Logs.Should().Match<CapturingLoggerProvider>(l => l.Contains($"Notify hook for restart (pid={pids[0]}) still ran after Notify:Timeout of 2 s; killed its process group"));
        spawnsWhenHookKilled.Should().BeGreaterThan(spawnsWhenHookStarted, "the supervisor went on restarting the server while the hook hung");
    }
}
