using FluentAssertions;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Process;
using MlxSupervisor.State;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.State;

/// <summary>The state file names a server; only that very process (and its group) is ever stopped.</summary>
public sealed class PreviousServerReclaimerSpecs : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly CapturingServerLog _serverLog = new();
    private readonly LinuxProcessTable _table = new();
    private ILoggerFactory _loggerFactory = null!;
    private IServerProcess _server = null!;

    public async Task InitializeAsync()
    {
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs));
        var launcher = new CliWrapServerLauncher(_loggerFactory, _table, TimeProvider.System, _serverLog);
        _server = await launcher.StartAsync(new ServerLaunchSpec(Repo.SimServer, ["--port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)],
            null, new Dictionary<string, string?>()), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _loggerFactory.Dispose();
        _dir.Dispose();
        ProcessAssert.KillLeftovers(_server.Pid).Should().BeEmpty();
    }

    private PreviousServerReclaimer Reclaimer(ServerStateFile file) =>
        new(file, _table, TimeProvider.System, _loggerFactory.CreateLogger("test"));

    private async Task<ServerRecord> RecordOfTheRunningServer()
    {
        await _serverLog.WaitFor("sim: listening");
        var identity = _table.Identify(_server.Pid)!;
        return new ServerRecord(_server.Pid, _server.Pid, identity.StartTime, Repo.SimServer, identity.CommandLine.Skip(1).ToList(), 1, DateTimeOffset.UtcNow);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_server_a_record_names_is_stopped_with_SIGTERM_and_the_record_removed()
    {
        var file = new ServerStateFile(_dir.Path);
        file.Write(await RecordOfTheRunningServer());

        await Reclaimer(file).ReclaimAsync(TimeSpan.FromSeconds(20), CancellationToken.None);

        ProcessAssert.IsAlive(_server.Pid).Should().BeFalse();
        _serverLog.Contains("sim: got SIGTERM, stopping").Should().BeTrue(_logs.Dump() + _serverLog.Dump());
        File.Exists(file.Path).Should().BeFalse();
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_pid_that_now_runs_a_process_started_at_another_time_is_never_signalled()
    {
        var file = new ServerStateFile(_dir.Path);
        var record = await RecordOfTheRunningServer();
        file.Write(record with { StartTime = record.StartTime - 1 });

        await Reclaimer(file).ReclaimAsync(TimeSpan.FromSeconds(20), CancellationToken.None);

        ProcessAssert.IsAlive(_server.Pid).Should().BeTrue();
        _logs.Contains("now runs something else").Should().BeTrue(_logs.Dump());
        _serverLog.Contains("got SIGTERM").Should().BeFalse();
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_pid_that_now_runs_another_command_is_never_signalled()
    {
        var file = new ServerStateFile(_dir.Path);
        var record = await RecordOfTheRunningServer();
        file.Write(record with { Command = "/usr/bin/mlx_lm.server" });

        await Reclaimer(file).ReclaimAsync(TimeSpan.FromSeconds(20), CancellationToken.None);

        ProcessAssert.IsAlive(_server.Pid).Should().BeTrue();
        _serverLog.Contains("got SIGTERM").Should().BeFalse();
    }
}
