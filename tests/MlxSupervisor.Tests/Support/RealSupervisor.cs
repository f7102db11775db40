using FluentAssertions;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Configuration;
using MlxSupervisor.Health;
using MlxSupervisor.Process;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Tests.Support;

/// <summary>
/// A supervisor of the real simulated server on loopback, with millisecond-scale settings. Disposing it
/// stops the supervisor and fails the test if any process it started is still alive.
/// </summary>
public sealed class RealSupervisor : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ILoggerFactory _loggerFactory;
    private Task? _running;

    /// <param name="activity">What the supervisor learns of the server's work; the front door's statistics, when there is one.</param>
    /// <param name="decorate">Wraps the real launcher, as the daemon does with its port check and state file.</param>
    public RealSupervisor(IEnumerable<string> simArguments, Action<SupervisorOptions>? configure = null, IServerActivity? activity = null,
        Func<IServerLauncher, IServerLauncher>? decorate = null)
    {
        Port = FreePort.Next();
        Options.Server.Command = Repo.SimServer;
        Options.Server.Arguments = ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. simArguments];
        Options.Health.Url = $"http://127.0.0.1:{Port}/health";
        Options.Health.Interval = TimeSpan.FromMilliseconds(250);
        Options.Health.Timeout = TimeSpan.FromMilliseconds(200);
        Options.Health.StartupProbeInterval = TimeSpan.FromMilliseconds(20);
        Options.Health.StartupTimeout = TimeSpan.FromSeconds(10);
        Options.Restart.InitialDelay = TimeSpan.FromMilliseconds(100);
        Options.Restart.MaxDelay = TimeSpan.FromMilliseconds(400);
        Options.Restart.ResetAfter = TimeSpan.FromSeconds(2);
        Options.CircuitBreaker.SamplingWindow = TimeSpan.FromSeconds(30);
        Options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(1);
        Options.Shutdown.GracePeriod = TimeSpan.FromSeconds(2);
        configure?.Invoke(Options);

        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        IServerLauncher launcher = new CliWrapServerLauncher(_loggerFactory, new LinuxProcessTable(), TimeProvider.System, ServerLog);
        Launcher = new TrackingLauncher(decorate is null ? launcher : decorate(launcher));
        var probes = HttpHealthProbe.CreateClient();
        Supervisor = new ServerSupervisor(() => Options, Launcher, new HttpHealthProbe(probes, TimeProvider.System),
            new HttpGenerationProbe(probes, TimeProvider.System), TimeProvider.System, _loggerFactory.CreateLogger("MlxSupervisor.Supervisor"), activity);
    }

    public int Port { get; }

    public SupervisorOptions Options { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>What the server printed, as its log file would hold it.</summary>
    public CapturingServerLog ServerLog { get; } = new();

    /// <summary>Writes to <see cref="Logs"/>.</summary>
    public ILoggerFactory Loggers => _loggerFactory;

    public TrackingLauncher Launcher { get; }

    public ServerSupervisor Supervisor { get; }

    public IReadOnlyList<SupervisorEvent> Events => Supervisor.Status.RecentEvents;

    public void Run() => _running = Supervisor.RunAsync(_stop.Token);

    public Task<SupervisorSnapshot> WaitFor(Func<SupervisorSnapshot, bool> condition, TimeSpan? within = null) =>
        Supervisor.Status.WaitFor(condition, within ?? TimeSpan.FromSeconds(20), Logs.Dump);

    /// <summary>Stops the supervisor as the daemon's shutdown would.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
            await _running.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _loggerFactory.Dispose();
        _stop.Dispose();
        var leftovers = Launcher.Started.SelectMany(p => ProcessAssert.KillLeftovers(p.Pid)).ToList();
        leftovers.Should().BeEmpty("no process the supervisor started may outlive it");
    }
}
