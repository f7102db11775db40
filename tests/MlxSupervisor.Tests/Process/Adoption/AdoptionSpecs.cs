using FluentAssertions;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Configuration;
using MlxSupervisor.Health;
using MlxSupervisor.Process;
using MlxSupervisor.Process.Adoption;
using MlxSupervisor.State;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Process.Adoption;

/// <summary>
/// A server a user started by hand, before the daemon, on the port the daemon is configured for (issue 12, item 7):
/// the real simulated server, and a real supervisor with the daemon's launcher chain.
/// </summary>
public sealed class AdoptionSpecs : IAsyncLifetime
{
    private readonly TempDirectory _state = new();
    private readonly CapturingLoggerProvider _adoptionLogs = new();
    private readonly ILoggerFactory _adoptionLoggers;
    private readonly RealSupervisor _sup;
    private HandStartedServer? _hand;

    /// <summary>Processes the hand-started server started, killed after each spec if a failure left them.</summary>
    private readonly List<int> _helpers = [];
    private TrackingLauncher _spawns = null!;

    /// <summary>What the adoption probes the hand-started server with: really, unless a spec scripts it.</summary>
    private IHealthProbe _adoptionProbe = new HttpHealthProbe(HttpHealthProbe.CreateClient(), TimeProvider.System);

    public AdoptionSpecs()
    {
        _adoptionLoggers = LoggerFactory.Create(b => b.AddProvider(_adoptionLogs));
        // The daemon's chain (Program.cs), with what CliWrap really spawns counted apart from what was adopted.
        _sup = new RealSupervisor([], decorate: inner => new RecordingLauncher(
            new AdoptingLauncher(new PortCheckingLauncher(_spawns = new TrackingLauncher(inner), () => _sup!.Options),
                () => _sup!.Options, new ProbeOf(() => _adoptionProbe), new LinuxProcessTable(),
                new PidfdExitWatcher(), TimeProvider.System, _adoptionLoggers.CreateLogger("MlxSupervisor.Adoption")),
            StateFile, new LinuxProcessTable(), TimeProvider.System));
    }

    private ServerStateFile StateFile => new(_state.Path);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _sup.DisposeAsync();
        foreach (var helper in _helpers.Where(ProcessAssert.IsAlive))
            NativeMethods.Kill(helper, Signals.SIGKILL);
        if (_hand is not null)
            await _hand.DisposeAsync();
        _adoptionLoggers.Dispose();
        _state.Dispose();
    }

    /// <summary>Starts the simulated server by hand, with <paramref name="arguments"/> or else the configured ones.</summary>
    private async Task<HandStartedServer> StartByHand(IEnumerable<string>? arguments = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        _hand = new HandStartedServer(arguments ?? _sup.Options.Server.Arguments, environment);
        await _hand.Listening;
        // As a user would check it before starting the daemon; its first answer can take longer than the 200 ms
        // probe timeout of these specs, while its code is compiled.
        using var client = new HttpClient { Timeout = Timeouts.Wait };
        using var _ = await client.GetAsync(new Uri(_sup.Options.Health.Url!));
        return _hand;
    }

    private string Dump() => _adoptionLogs.Dump() + "\n" + _hand?.Dump() + "\n" + _sup.Logs.Dump();

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_started_by_hand_with_the_configured_command_is_adopted_instead_of_a_second_being_spawned()
    {
        var hand = await StartByHand();

        _sup.Run();
        var running = await _sup.WaitFor(s => s.State == SupervisorState.Running);

        running.Pid.Should().Be(hand.Pid);
        _spawns.Started.Should().BeEmpty("nothing is spawned while the adopted server runs");
        _sup.Launcher.Started.Should().ContainSingle().Which.Adopted.Should().BeTrue();
        _adoptionLogs.Contains($"Server pid={hand.Pid}").Should().BeTrue(Dump());
        File.Exists(StateFile.Path).Should().BeFalse("an adopted server is not the daemon's to reclaim; the next daemon adopts it again");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task An_adopted_server_that_is_killed_is_seen_to_exit_at_once_and_replaced_by_one_of_the_daemons_own()
    {
        // Probes alone would take 1000 strikes to call it dead: only the exit watch can see the death in time.
        _sup.Options.Health.FailureThreshold = 1000;
        var hand = await StartByHand();
        _sup.Run();
        await Adopted(hand);

        hand.Kill();
        var replaced = await _sup.WaitFor(s => s.State == SupervisorState.Running && s.Pid != hand.Pid);

        _sup.Events.Should().Contain(e => e.Kind == EventKinds.Exited && e.Pid == hand.Pid, Dump());
        _spawns.Started.Should().ContainSingle().Which.Pid.Should().Be(replaced.Pid!.Value);
        ProcessAssert.IsAlive(hand.Pid).Should().BeFalse();
        StateFile.Read(out _)!.Pid.Should().Be(replaced.Pid!.Value, "the daemon's own server is recorded as ever");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task An_adopted_server_declared_dead_is_stopped_with_SIGKILL_when_it_ignores_SIGTERM_and_replaced()
    {
        // It answers the adoption's probe and the startup's, then hangs; and it shrugs off SIGTERM.
        var hand = await StartByHand(environment: new Dictionary<string, string>
        {
            ["MLXSIM_HANG_HEALTH_AFTER_MS"] = "3000",
            ["MLXSIM_IGNORE_SIGTERM"] = "1",
        });
        _sup.Run();
        await Adopted(hand);

        var replaced = await _sup.WaitFor(s => s.State == SupervisorState.Running && s.Pid != hand.Pid);

        _sup.Events.Should().Contain(e => e.Kind == EventKinds.DeclaredDead, Dump());
        hand.Printed("sim: ignoring SIGTERM").Should().BeTrue(Dump());
        (await hand.Exits(Timeouts.Wait)).Should().BeTrue("only SIGKILL, after the grace period, can end it");
        _spawns.Started.Should().ContainSingle().Which.Pid.Should().Be(replaced.Pid!.Value);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task An_adopted_server_and_what_it_started_are_sent_SIGTERM_when_the_supervisor_stops()
    {
        var hand = await StartByHand(environment: new Dictionary<string, string> { ["MLXSIM_SPAWN_HELPER"] = "1" });
        var helper = await HelperOf(hand);
        _sup.Run();
        await Adopted(hand);

        await _sup.StopAsync();

        hand.Printed("sim: got SIGTERM, stopping").Should().BeTrue(Dump());
        hand.Printed("sim: helper got SIGTERM, stopping").Should().BeTrue(Dump());
        (await hand.Exits(Timeouts.Wait)).Should().BeTrue();
        (await ProcessAssert.EventuallyGone(helper, Timeouts.Wait)).Should().BeTrue();
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task What_an_adopted_server_started_is_stopped_when_the_server_is_killed_though_it_lost_its_parent()
    {
        _sup.Options.Health.FailureThreshold = 1000;
        var hand = await StartByHand(environment: new Dictionary<string, string> { ["MLXSIM_SPAWN_HELPER"] = "1" });
        var helper = await HelperOf(hand);
        _sup.Run();
        await Adopted(hand);

        hand.Kill();
        await _sup.WaitFor(s => s.State == SupervisorState.Running && s.Pid != hand.Pid);

        ProcessAssert.IsAlive(helper).Should().BeFalse("it was pinned when its server was adopted, and stopped when the server died");
    }

    private async Task<int> HelperOf(HandStartedServer hand)
    {
        var helper = DaemonProcess.PidIn(await hand.WaitForLine("sim: helper pid="));
        _helpers.Add(helper);
        return helper;
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_that_first_fails_its_health_check_is_adopted_by_a_later_start_once_it_answers()
    {
        var probe = new ScriptedHealthProbe(TimeProvider.System) { Failure = "HTTP 503" };
        _adoptionProbe = probe;
        var hand = await StartByHand();
        _sup.Run();
        await _sup.WaitFor(s => s.State == SupervisorState.BackingOff);
        RefusalNames(hand);

        probe.Failure = null;
        await Adopted(hand);

        _spawns.Started.Should().BeEmpty();
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_on_the_port_with_other_arguments_is_not_adopted_and_the_start_is_refused_naming_it()
    {
        var hand = await StartByHand([.. _sup.Options.Server.Arguments, "--tokens", "3"]);

        _sup.Run();
        await _sup.WaitFor(s => s.State == SupervisorState.BackingOff);

        RefusalNames(hand);
        _adoptionLogs.Contains("which does not run").Should().BeTrue(Dump());
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_with_the_configured_command_that_does_not_answer_with_a_2xx_is_not_adopted()
    {
        var hand = await StartByHand(environment: new Dictionary<string, string> { ["MLXSIM_HEALTH_STATUS"] = "503" });

        _sup.Run();
        await _sup.WaitFor(s => s.State == SupervisorState.BackingOff);

        RefusalNames(hand);
        _adoptionLogs.Contains("answered: HTTP 503; not adopting it").Should().BeTrue(Dump());
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task With_Adopt_Never_even_the_same_server_is_named_and_the_start_refused_as_before()
    {
        _sup.Options.Server.Adopt = ServerAdoption.Never;
        var hand = await StartByHand();

        _sup.Run();
        await _sup.WaitFor(s => s.State == SupervisorState.BackingOff);

        RefusalNames(hand);
        _adoptionLogs.Lines.Should().BeEmpty("adoption is not even considered");
    }

    private Task<SupervisorSnapshot> Adopted(HandStartedServer hand) =>
        _sup.Supervisor.Status.WaitFor(s => s.State == SupervisorState.Running && s.Pid == hand.Pid, Timeouts.Wait, Dump);

    private sealed class ProbeOf(Func<IHealthProbe> current) : IHealthProbe
    {
        public Task<HealthProbeResult> ProbeAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken) =>
            current().ProbeAsync(url, timeout, cancellationToken);

        public Task<bool> IsListeningAsync(Uri url, CancellationToken cancellationToken) => current().IsListeningAsync(url, cancellationToken);
    }

    /// <summary>The start was refused by the port check, which named the hand-started server; nothing was spawned or signalled.</summary>
    private void RefusalNames(HandStartedServer hand)
    {
        _sup.Events.Should().Contain(e => e.Kind == EventKinds.SpawnFailed &&
            e.Message.Contains($"port {_sup.Port} is already in use by pid {hand.Pid} (", StringComparison.Ordinal), Dump());
        _sup.Launcher.Started.Should().BeEmpty();
        _spawns.Started.Should().BeEmpty();
        ProcessAssert.IsAlive(hand.Pid).Should().BeTrue("a server that is not adopted is left alone");
    }
}
