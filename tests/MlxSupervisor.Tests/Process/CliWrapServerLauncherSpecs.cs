using System.Diagnostics;
using FluentAssertions;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Process;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Process;

/// <summary>Spawning and stopping the real simulated server.</summary>
public sealed class CliWrapServerLauncherSpecs : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private readonly CapturingServerLog _serverLog = new();
    private readonly List<IServerProcess> _started = [];
    private ILoggerFactory _loggerFactory = null!;
    private CliWrapServerLauncher _launcher = null!;

    public Task InitializeAsync()
    {
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs));
        _launcher = new CliWrapServerLauncher(_loggerFactory, new LinuxProcessTable(), TimeProvider.System, _serverLog);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _started)
            await process.DisposeAsync();
        _loggerFactory.Dispose();
        _started.SelectMany(p => ProcessAssert.KillLeftovers(p.Pid)).Should().BeEmpty();
    }

    private Task<IServerProcess> StartSim(params string[] arguments) => StartSim(_launcher, arguments);

    private async Task<IServerProcess> StartSim(CliWrapServerLauncher launcher, params string[] arguments)
    {
        var process = await launcher.StartAsync(new ServerLaunchSpec(Repo.SimServer,
            ["--port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments], null,
            new Dictionary<string, string?>()), CancellationToken.None);
        _started.Add(process);
        return process;
    }

    private async Task<int> HelperPid()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var line = _serverLog.Lines.FirstOrDefault(l => l.Contains("sim: helper pid=", StringComparison.Ordinal));
            if (line is not null)
                return int.Parse(line[(line.IndexOf("pid=", StringComparison.Ordinal) + 4)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            await Task.Delay(20);
        }
        throw new TimeoutException("The helper never announced itself:\n" + _serverLog.Dump());
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_server_leads_its_own_process_group()
    {
        var server = await StartSim("--spawn-helper");
        var helper = await HelperPid();

        ProcStat.TryRead(server.Pid)!.Value.GroupId.Should().Be(server.Pid);
        ProcStat.TryRead(helper)!.Value.GroupId.Should().Be(server.Pid);
        ProcStat.TryRead(Environment.ProcessId)!.Value.GroupId.Should().NotBe(server.Pid, "the test host is not in the server's group");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task An_exit_is_seen_at_once_even_while_a_helper_still_holds_the_output_pipes()
    {
        var server = await StartSim("--spawn-helper", "--crash-after-ms", "300", "--exit-code", "3");
        var helper = await HelperPid();

        var exit = await server.Exited.WaitAsync(TimeSpan.FromSeconds(10));

        ProcessAssert.IsAlive(helper).Should().BeTrue("the helper outlives the server and keeps the pipes open");
        exit.ExitCode.Should().BeNull("CliWrap cannot report the code while the helper holds the pipes");
        var stop = await server.StopAsync(TimeSpan.FromSeconds(2));
        stop.Exit.ExitCode.Should().Be(3, "the code is known once the helper is stopped and the pipes close");
        stop.Exit.At.Should().Be(exit.At);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Without_a_helper_the_exit_comes_with_its_code()
    {
        var server = await StartSim("--crash-after-ms", "100", "--exit-code", "137");

        var exit = await server.Exited.WaitAsync(TimeSpan.FromSeconds(10));

        exit.ExitCode.Should().Be(137);
        exit.Signal.Should().Be("SIGKILL");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Stopping_a_server_that_died_on_its_own_stops_the_helper_it_left_behind()
    {
        var server = await StartSim("--spawn-helper", "--crash-after-ms", "300");
        var helper = await HelperPid();
        await server.Exited.WaitAsync(TimeSpan.FromSeconds(10));

        var stop = await server.StopAsync(TimeSpan.FromSeconds(2));

        stop.Killed.Should().BeFalse("the helper obeys SIGTERM");
        stop.Survivors.Should().BeEmpty();
        ProcessAssert.IsAlive(helper).Should().BeFalse();
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task SIGTERM_stops_the_server_and_its_helper_within_the_grace_period()
    {
        var server = await StartSim("--spawn-helper");
        var helper = await HelperPid();

        var stop = await server.StopAsync(TimeSpan.FromSeconds(5));

        stop.Killed.Should().BeFalse();
        stop.Exit.ExitCode.Should().Be(0);
        stop.Took.Should().BeLessThan(TimeSpan.FromSeconds(5));
        ProcessAssert.IsAlive(server.Pid).Should().BeFalse();
        ProcessAssert.IsAlive(helper).Should().BeFalse();
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_and_helper_that_ignore_SIGTERM_are_SIGKILLed_after_the_grace_period()
    {
        var server = await StartSim("--ignore-sigterm", "--spawn-helper", "--helper-ignores-sigterm");
        var helper = await HelperPid();
        var grace = TimeSpan.FromMilliseconds(700);

        var stop = await server.StopAsync(grace);

        stop.Killed.Should().BeTrue();
        stop.Took.Should().BeGreaterThanOrEqualTo(grace);
        stop.Exit.ExitCode.Should().Be(137);
        stop.Exit.Signal.Should().Be("SIGKILL");
        stop.Survivors.Should().BeEmpty();
        ProcessAssert.IsAlive(helper).Should().BeFalse();
        _serverLog.Contains("sim: ignoring SIGTERM").Should().BeTrue("the server really got SIGTERM first");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_flood_of_200000_lines_reaches_the_servers_log_file_without_losing_one_in_blocks()
    {
        using var dir = new TempDirectory();
        var file = new CountingServerLog(new RollingServerLog(Path.Combine(dir.Path, "server.log"), 1L << 30, 2, _loggerFactory.CreateLogger("test")));
        var server = await StartSim(new CliWrapServerLauncher(_loggerFactory, new LinuxProcessTable(), TimeProvider.System, file),
            "--flood-lines", "200000", "--crash-after-ms", "50", "--exit-code", "0");

        await server.Exited.WaitAsync(TimeSpan.FromSeconds(30));
        await server.DisposeAsync();
        _started.Remove(server);

        var flood = File.ReadLines(Path.Combine(dir.Path, "server.log")).Where(l => l.Contains(" stdout] flood ", StringComparison.Ordinal)).ToList();
        flood.Should().HaveCount(200_000);
        flood[0].Should().Contain("flood 000001");
        flood[^1].Should().Contain("flood 200000");
        file.Writes.Should().BeLessThan(200_000 / 100, "the lines are written in blocks, not one by one");
        _logs.Contains("Dropped").Should().BeFalse();
        _logs.Contains("flood 0").Should().BeFalse("the daemon's log carries none of the server's lines");
    }

    /// <summary>Counts the writes that reach the file.</summary>
    private sealed class CountingServerLog(IServerLog inner) : IServerLog
    {
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public void Write(ReadOnlySpan<byte> lines)
        {
            Interlocked.Increment(ref _writes);
            inner.Write(lines);
        }
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_command_that_is_not_on_PATH_is_refused_with_its_name()
    {
        var act = () => _launcher.StartAsync(new ServerLaunchSpec("mlx_lm.server-missing", [], null,
            new Dictionary<string, string?> { ["PATH"] = "/usr/bin:/bin" }), CancellationToken.None);

        await act.Should().ThrowAsync<ServerStartException>().WithMessage("*'mlx_lm.server-missing' was not found on PATH (/usr/bin:/bin)*");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Environment_and_working_directory_reach_the_server()
    {
        using var dir = new TempDirectory();
        var script = dir.File("server.sh", "#!/bin/sh\necho \"cwd=$(pwd) marker=$SIM_MARKER\"\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        var server = await _launcher.StartAsync(new ServerLaunchSpec(script, [], dir.Path, new Dictionary<string, string?> { ["SIM_MARKER"] = "m-42" }),
            CancellationToken.None);
        _started.Add(server);

        await server.Exited.WaitAsync(TimeSpan.FromSeconds(10));
        await server.DisposeAsync();
        _started.Remove(server);

        _serverLog.Contains($"cwd={dir.Path} marker=m-42").Should().BeTrue(_serverLog.Dump());
    }
}
