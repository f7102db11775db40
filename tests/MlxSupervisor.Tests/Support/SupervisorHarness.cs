using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MlxSupervisor.Configuration;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Tests.Support;

/// <summary>A <see cref="ServerSupervisor"/> on fake time, with a scripted launcher and probe.</summary>
public sealed class SupervisorHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    /// <param name="time">The clock, when several harnesses share one (a fleet on fake time); a clock of its own otherwise.</param>
    /// <param name="firstPid">The pid of the first fake server: the harnesses of a fleet give theirs apart.</param>
    public SupervisorHarness(Action<SupervisorOptions>? configure = null, IServerActivity? activity = null, FakeTimeProvider? time = null,
        int firstPid = 1001)
    {
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        // Port 1 on loopback refuses at once, so the "wait until the port is free" step never waits.
        Options.Health.Url = "http://127.0.0.1:1/health";
        Options.Server.Command = "mlx_lm.server";
        configure?.Invoke(Options);
        Launcher = new FakeServerLauncher(Time, firstPid);
        Probe = new ScriptedHealthProbe(Time);
        Generation = new ScriptedGenerationProbe(Time);
        Supervisor = new ServerSupervisor(() => Options, Launcher, Probe, Generation, Time, NullLogger.Instance, activity);
    }

    public SupervisorOptions Options { get; } = new();

    public FakeTimeProvider Time { get; }

    public DateTimeOffset Start { get; private set; }

    public FakeServerLauncher Launcher { get; }

    public ScriptedHealthProbe Probe { get; }

    public ScriptedGenerationProbe Generation { get; }

    public ServerSupervisor Supervisor { get; }

    public SupervisorSnapshot Current => Supervisor.Status.Current;

    public void Run()
    {
        Start = Time.GetUtcNow();
        _running = Supervisor.RunAsync(_stop.Token);
    }

    /// <summary>Waits, in real time but bounded, for the supervisor to reach a state.</summary>
    public Task<SupervisorSnapshot> WaitFor(Func<SupervisorSnapshot, bool> condition) => Supervisor.Status.WaitFor(condition, Timeouts.Wait);

    /// <summary>
    /// Waits, in real time but bounded, for something that no snapshot shows (a probe sent to the scripted probes):
    /// the condition is polled, since nothing signals it.
    /// </summary>
    public async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeouts.Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The condition never held; the supervisor is {Current}");
            await Task.Delay(5);
        }
    }

    /// <summary>Waits for the next scheduled restart (the k-th spawn is done) and jumps to it.</summary>
    public async Task<SupervisorSnapshot> SkipToRestartAfterSpawn(int spawns)
    {
        var waiting = await WaitFor(s => s.NextRestartAt is not null && Launcher.Started.Count == spawns);
        Time.SetUtcNow(waiting.NextRestartAt!.Value);
        return waiting;
    }

    /// <summary>Moves the clock on by <paramref name="step"/> after each probe, until <paramref name="probes"/> have been made in all.</summary>
    public async Task AdvanceAfterEachProbe(int probes, TimeSpan step)
    {
        for (var i = 1; i <= probes; i++)
        {
            await WaitFor(_ => Probe.Probes >= i);
            Time.Advance(step);
        }
    }

    public double SecondsSinceStart(DateTimeOffset at) => (at - Start).TotalSeconds;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
            await _running.WaitAsync(Timeouts.Wait);
        _stop.Dispose();
    }
}
