using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FluentAssertions;
using MlxSupervisor.Configuration;
using MlxSupervisor.Process;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Process;

/// <summary>Nothing a server started outlives it, and nothing foreign on its port is fought over.</summary>
public sealed class OrphanSpecs
{
    /// <summary>Before each spawn, notes whether the helpers announced so far are still alive.</summary>
    private sealed class HelperCheckingLauncher(IServerLauncher inner) : IServerLauncher
    {
        private int _spawns;

        public CapturingServerLog? ServerLog { get; set; }

        public List<(int Spawn, int Helper, bool Alive)> Checks { get; } = [];

        public Task<IServerProcess> StartAsync(ServerLaunchSpec spec, CancellationToken cancellationToken)
        {
            _spawns++;
            foreach (var helper in Announced(ServerLog!.Lines, "sim: helper pid="))
                Checks.Add((_spawns, helper, ProcessAssert.IsAlive(helper)));
            return inner.StartAsync(spec, cancellationToken);
        }
    }

    private static IEnumerable<int> Announced(IEnumerable<string> lines, string marker) =>
        lines.Where(l => l.Contains(marker, StringComparison.Ordinal))
            .Select(l => int.Parse(l[(l.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim(), CultureInfo.InvariantCulture))
            .Distinct()
            .ToList();

    [Theory(Timeout = Timeouts.ProcessTestMs)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_helper_left_by_a_crashed_server_is_gone_before_the_replacement_starts(bool helperIgnoresSigterm)
    {
        HelperCheckingLauncher? checker = null;
        string[] args = helperIgnoresSigterm
            ? ["--spawn-helper", "--helper-ignores-sigterm", "--crash-after-ms", "300"]
            : ["--spawn-helper", "--crash-after-ms", "300"];
        await using var sup = new RealSupervisor(args, o => o.Shutdown.GracePeriod = TimeSpan.FromMilliseconds(500),
            decorate: inner => checker = new HelperCheckingLauncher(inner));
        checker!.ServerLog = sup.ServerLog;
        sup.Run();

        await sup.WaitFor(_ => sup.Launcher.Started.Count >= 3, TimeSpan.FromSeconds(40));
        await sup.StopAsync();

        checker.Checks.Select(c => c.Helper).Distinct().Should().HaveCountGreaterThanOrEqualTo(2, sup.ServerLog.Dump());
        checker.Checks.Should().OnlyContain(c => !c.Alive, "every helper of an earlier server is gone when the next one is spawned");
        if (helperIgnoresSigterm)
            sup.Logs.Contains("(SIGKILL); it had exited").Should().BeTrue("a helper that ignores SIGTERM is SIGKILLed after the grace period");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_process_that_left_the_servers_group_is_stopped_with_the_server_while_the_server_lives()
    {
        using var dir = new TempDirectory();
        // setsid(1) in a background job: not a group leader, so it calls setsid() itself and keeps its pid.
        var script = dir.File("server.sh", "#!/bin/sh\nsetsid sleep 300 &\necho \"escapee pid=$!\"\nexec \"$SIM\" \"$@\"\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await using var sup = new RealSupervisor([], o =>
        {
            o.Server.Command = script;
            o.Server.Environment["SIM"] = Repo.SimServer;
        });
        sup.Run();
        var running = await sup.WaitFor(s => s.State == SupervisorState.Running);
        var escapee = Announced(sup.ServerLog.Lines, "escapee pid=").Single();
        ProcStat.TryRead(escapee)!.Value.GroupId.Should().NotBe(running.Pid!.Value, "it left the server's process group");

        await sup.StopAsync();

        (await ProcessAssert.EventuallyGone(escapee, TimeSpan.FromSeconds(5))).Should().BeTrue("the stop walks the server's descendants too");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_port_held_by_a_foreign_process_is_logged_with_its_holder_and_backed_off_until_it_is_free()
    {
        SupervisorOptions? options = null;
        await using var sup = new RealSupervisor([], decorate: inner => new PortCheckingLauncher(inner, () => options!));
        options = sup.Options;
        var foreign = new TcpListener(IPAddress.Loopback, sup.Port);
        foreign.Start();
        try
        {
            sup.Run();
            var backingOff = await sup.WaitFor(s => s.State == SupervisorState.BackingOff && s.ConsecutiveFailures >= 2);

            var line = await sup.Logs.WaitFor("Start failed: port");
            line.Should().Contain($"port {sup.Port} is already in use by pid {Environment.ProcessId} (");
            sup.Launcher.Started.Should().BeEmpty("no server is spawned while the port is taken");
            backingOff.NextRestartAt.Should().NotBeNull();
        }
        finally
        {
            foreign.Stop();
        }

        var running = await sup.WaitFor(s => s.State == SupervisorState.Running);
        running.Pid.Should().NotBeNull("once the port is free the server starts through the normal path");
    }
}
