using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MlxSupervisor.Configuration;
using MlxSupervisor.Fleet;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Memory;
using MlxSupervisor.Process;
using MlxSupervisor.State;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Fleet;

/// <summary>What a reload changes in a fleet, on fake time with scripted servers: only what the edit touched.</summary>
public sealed class FleetReloadSpecs : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
    private readonly Dictionary<string, FakeServerLauncher> _launchers = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TempDirectory _state = new();

    private static ServerSettings Server(string name, int port, string[] arguments, ServerStart start = ServerStart.AtBoot)
    {
        var options = new SupervisorOptions();
        options.Server.Command = "mlx_lm.server";
        options.Server.Arguments = arguments;
        options.Health.Url = $"http://127.0.0.1:{port}/health";
        return new ServerSettings
        {
            Name = name, Models = [$"{name}-model"], Start = start, MaxConcurrentRequests = 4, Options = options,
            KeyPrefix = $"Supervisor:Servers:{name}",
        };
    }

    private static SupervisorOptions Fleet(params ServerSettings[] servers)
    {
        var options = new SupervisorOptions();
        options.Servers = servers;
        return options;
    }

    private ServerUnit Create(ServerSettings settings, LiveSupervisorOptions live)
    {
        var launcher = _launchers[settings.Name] = new FakeServerLauncher(_time);
        var table = new LinuxProcessTable();
        var name = settings.Name;
        ServerSettings Current() => live.Current.ServerNamed(name) ?? settings;
        var activity = new FrontDoorStatistics(_time, server: name);
        var supervisor = new ServerSupervisor(() => Current().Options, launcher, new ScriptedHealthProbe(_time), new ScriptedGenerationProbe(_time),
            _time, NullLogger.Instance, activity);
        if (settings.Start == ServerStart.OnDemand)
            supervisor.HoldUntilStarted("not started yet");
        return new ServerUnit(name, Current, supervisor,
            new ServerMemoryGuard(supervisor, new LinuxServerMemoryReader(table), () => Current().Options, _time, NullLogger.Instance), activity,
            new PreviousServerReclaimer(new ServerStateFile(Path.Combine(_state.Path, name)), table, _time, NullLogger.Instance), _time);
    }

    private (ServerFleet Fleet, LiveSupervisorOptions Live, Task Running) Start(SupervisorOptions initial)
    {
        var live = new LiveSupervisorOptions(initial);
        var fleet = new ServerFleet(s => Create(s, live), live, NullLogger.Instance);
        return (fleet, live, fleet.RunAsync(_stop.Token));
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task An_edit_of_one_servers_arguments_restarts_it_alone_and_only_once_its_requests_in_flight_have_ended()
    {
        var (fleet, live, running) = Start(Fleet(Server("coder", 1, ["--port", "1"]), Server("chat", 2, ["--port", "2"])));
        await fleet.Unit("coder")!.Status.WaitFor(s => s.State == SupervisorState.Running, Timeouts.Wait);
        await fleet.Unit("chat")!.Status.WaitFor(s => s.State == SupervisorState.Running, Timeouts.Wait);
        var chat = fleet.Unit("chat")!;
        chat.Activity.ForwardStarted();

        live.Replace(Fleet(Server("coder", 1, ["--port", "1"]), Server("chat", 2, ["--port", "2", "--tokens", "5"])));
        // Nothing happens while the request is in flight, however long the clock runs.
        _time.Advance(TimeSpan.FromSeconds(30));
        _launchers["chat"].Started.Should().ContainSingle();
        chat.Activity.ForwardEnded();
        await chat.Status.WaitFor(s => s.State == SupervisorState.Running && _launchers["chat"].Started.Count == 2, Timeouts.Wait);

        _launchers["coder"].Started.Should().ContainSingle("an unchanged server keeps its process");
        _launchers["chat"].Started[0].StopCalls.Should().Be(1, "it was stopped gracefully");
        await _stop.CancelAsync();
        await running;
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task An_edit_of_other_keys_applies_live_without_a_restart()
    {
        var (fleet, live, running) = Start(Fleet(Server("coder", 1, ["--port", "1"])));
        await fleet.Unit("coder")!.Status.WaitFor(s => s.State == SupervisorState.Running, Timeouts.Wait);
        var edited = Server("coder", 1, ["--port", "1"]);
        edited.Options.Health.Interval = TimeSpan.FromSeconds(3);

        live.Replace(Fleet(edited));

        fleet.Unit("coder")!.Settings.Options.Health.Interval.Should().Be(TimeSpan.FromSeconds(3));
        _launchers["coder"].Started.Should().ContainSingle();
        await _stop.CancelAsync();
        await running;
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task An_added_AtBoot_server_is_started_an_added_OnDemand_one_waits_and_a_removed_one_is_stopped()
    {
        var (fleet, live, running) = Start(Fleet(Server("coder", 1, ["--port", "1"]), Server("old", 3, ["--port", "3"])));
        var old = fleet.Unit("old")!;
        await old.Status.WaitFor(s => s.State == SupervisorState.Running, Timeouts.Wait);
        var changed = 0;
        fleet.UnitsChanged += () => changed++;

        live.Replace(Fleet(Server("coder", 1, ["--port", "1"]), Server("new", 4, ["--port", "4"]), Server("lazy", 5, ["--port", "5"], ServerStart.OnDemand)));
        await fleet.Unit("new")!.Status.WaitFor(s => s.State == SupervisorState.Running, Timeouts.Wait);
        await fleet.Unit("lazy")!.Status.WaitFor(s => s.State == SupervisorState.Stopped, Timeouts.Wait);
        await old.Status.WaitFor(s => s.State == SupervisorState.Stopped, Timeouts.Wait);

        fleet.Units.Select(u => u.Name).Should().Equal("coder", "lazy", "new");
        _launchers["old"].Started.Single().StopCalls.Should().Be(1);
        _launchers["lazy"].Started.Should().BeEmpty();
        changed.Should().Be(1);
        await _stop.CancelAsync();
        await running;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
        _state.Dispose();
    }
}
