using Microsoft.Extensions.Logging;
using MlxSupervisor.Configuration;
using MlxSupervisor.Health;
using MlxSupervisor.Process;
using MlxSupervisor.Restart;
using Polly.CircuitBreaker;

namespace MlxSupervisor.Supervision;

/// <summary>
/// Keeps one server alive: spawn, wait for health, watch, stop, back off, restart, behind the restart circuit.
/// One instance per server and no static state, so a daemon can run several.
/// </summary>
public sealed partial class ServerSupervisor
{
    private readonly Func<SupervisorOptions> _options;
    private readonly IServerLauncher _launcher;
    private readonly IHealthProbe _probe;
    private readonly IGenerationProbe _generationProbe;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private RestartCircuit _circuit;
    private readonly IServerActivity _activity;

    public ServerSupervisor(Func<SupervisorOptions> options, IServerLauncher launcher, IHealthProbe probe, IGenerationProbe generationProbe,
        TimeProvider time, ILogger logger, IServerActivity? activity = null)
    {
        _generationProbe = generationProbe;
        _activity = activity ?? NoServerActivity.Instance;
        _options = options;
        _launcher = launcher;
        _probe = probe;
        _time = time;
        _logger = logger;
        _circuit = new RestartCircuit(options().CircuitBreaker, time);
        _circuit.Transitioned += OnCircuitTransition;
        Status = new SupervisorStatus(time.GetUtcNow());
    }

    public SupervisorStatus Status { get; }

    /// <summary>Raised after each health probe, on the supervisor's thread; for metrics, so handlers must be quick and not throw.</summary>
    public event Action<HealthProbeResult>? ProbeCompleted;

    private SupervisorOptions Options => _options();

    /// <summary>Supervises until <paramref name="stoppingToken"/> fires, then stops the server gracefully.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var firstStart = true;
        var refused = false;
        try
        {
            while (true)
            {
                if (Hold is { } hold)
                {
                    var stoppedBecause = hold.Kind == StopKind.Operator ? "stopped by operator" : hold.Reason;
                    Log.SupervisionStopped(_logger, hold.StartsOnDemand
                        ? $"{stoppedBecause}; a request for its model starts it"
                        : $"{stoppedBecause}; waiting for a start request");
                    Transition(SupervisorState.Stopped, stoppedBecause, s => s with { NextRestartAt = null, StoppedFor = hold });
                    await StartRequested.WaitAsync(stoppingToken);
                    ResetControlSignals();
                    if (hold.StartsOnDemand)
                        _endedBy = new RestartCause(RestartCause.OnDemand, $"{stoppedBecause}, then started by a request for its model");
                    else
                        _endedBy ??= new RestartCause(RestartCause.Operator, $"{stoppedBecause}, then started");
                    failures = 0;
                    refused = false;
                    continue;
                }
                if (failures > 0 && !await WaitBeforeRestartAsync(failures, refused, stoppingToken))
                    continue;

                UseCurrentCircuitSettings();
                // The first start is not a restart: its failure delays the next spawn but is not counted by the breaker.
                var outcome = firstStart
                    ? await AttemptAsync(stoppingToken)
                    : await _circuit.TryExecuteAsync(RestartAsync, stoppingToken);
                refused = outcome is null;
                if (outcome is null)
                    continue;
                firstStart = false;

                var endedByFailure = outcome.CountsAsFailure;
                if (outcome.Succeeded)
                {
                    failures = 0;
                    endedByFailure = (await RunUntilEndAsync(stoppingToken)).CountsAsFailure;
                }
                ResetControlSignals();
                if (PolicyStops(_lastEnd) is { } stop)
                {
                    Log.PolicyStop(_logger, stop.Why);
                    HoldForPolicy(stop.Why);
                    if (stop.CleanExit)
                        endedByFailure = false;
                }
                failures = endedByFailure ? failures + 1 : 0;
                Status.Update(s => s with { ConsecutiveFailures = failures });
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await StopCurrentAsync("daemon shutting down");
            Log.SupervisionStopped(_logger, "daemon shutting down");
            Transition(SupervisorState.Stopped, "daemon shutting down");
        }
    }

    /// <summary>
    /// Whether Restart:Policy leaves the server stopped after the life that ended with <paramref name="end"/>: OnFailure
    /// after a clean exit 0 (not a failure), Never after any end but one an operator or the fleet asked for.
    /// </summary>
    private (string Why, bool CleanExit)? PolicyStops(RestartRequest? end)
    {
        if (end is null || end.Cause.Label is RestartCause.Operator or RestartCause.Peer or RestartCause.OnDemand)
            return null;
        var cleanExit = end.Cause.Label == RestartCause.Exited && end.ExitCode == 0;
        return Options.Restart.Policy switch
        {
            Configuration.RestartPolicy.OnFailure when cleanExit => ($"{end.Reason}; Restart:Policy is OnFailure, so a clean exit leaves it stopped", true),
            Configuration.RestartPolicy.Never => ($"{end.Reason}; Restart:Policy is Never, so it stays stopped", cleanExit),
            _ => null,
        };
    }

    /// <summary>A start after the first: counted as it begins, so the status shows it while the server loads.</summary>
    private ValueTask<AttemptOutcome> RestartAsync(CancellationToken stoppingToken)
    {
        Status.Update(s => s with { Restarts = s.Restarts + 1 });
        return AttemptAsync(stoppingToken);
    }

    /// <returns>False when an operator's stop ended the wait.</returns>
    private async Task<bool> WaitBeforeRestartAsync(int failures, bool refusedByCircuit, CancellationToken stoppingToken)
    {
        var delay = refusedByCircuit ? TimeSpan.Zero : new RestartBackoff(Options.Restart.InitialDelay, Options.Restart.MaxDelay).DelayAfter(failures);
        var now = _time.GetUtcNow();
        // The backoff counts from the exit, not from the end of what follows it (the last words read from the pipes,
        // leftovers stopped, the port coming free): otherwise every restart is late by that cleanup, and the first,
        // which also compiles that path, later still. A cleanup that took longer than the delay leaves no wait at all.
        var exitedAt = _lastExitAt ?? now;
        var due = exitedAt + delay;
        if (_circuit.RemainingBreak is { Ticks: > 0 } breakLeft && now + breakLeft > due)
            due = now + breakLeft;
        var afterExit = due - exitedAt; // the schedule's wait, which the log gives, however long the cleanup took
        var at = due > now ? due : now;
        var wait = at - now;

        // The timer is registered before the state is published, so whoever reacts to BackingOff
        // (a test advancing fake time, say) finds it already running. It is cancelled if a request ends the wait.
        using var cutShort = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var waiting = Task.Delay(wait, _time, cutShort.Token);
        if (_circuit.State == CircuitState.Open)
        {
            Transition(SupervisorState.CircuitOpen, $"circuit open until {_circuit.ReopensAt:HH:mm:ss}", s => s with { NextRestartAt = at });
        }
        else
        {
            Log.RestartScheduled(_logger, Status.Current.Restarts + 1, afterExit.TotalSeconds, failures);
            Transition(SupervisorState.BackingOff, $"restart {Status.Current.Restarts + 1} in {afterExit.TotalSeconds:0.###} s",
                s => s with { NextRestartAt = at });
        }
        // An operator's start cuts the delay short; an operator's stop ends it without a spawn.
        var woke = await Task.WhenAny(waiting, StartRequested, CurrentRestartSignal().Task);
        if (woke == waiting)
            await waiting; // Surfaces cancellation.
        else
            await cutShort.CancelAsync();
        Status.Update(s => s with { NextRestartAt = null });
        return !IsHeld;
    }

    /// <summary>
    /// After a reload changed <c>CircuitBreaker</c>, the next start runs through a new circuit built from the new
    /// settings. It starts closed with an empty window: a circuit that was open when the edit came stays open
    /// until its current break ends (that wait is already under way), and the failures counted under the old
    /// settings are forgotten, since the edit is how an operator says "try again with these".
    /// </summary>
    private void UseCurrentCircuitSettings()
    {
        var options = Options.CircuitBreaker;
        if (_circuit.Uses(options))
            return;
        _circuit.Transitioned -= OnCircuitTransition;
        _circuit = new RestartCircuit(options, _time);
        _circuit.Transitioned += OnCircuitTransition;
        Log.CircuitReconfigured(_logger, options.FailureThreshold, options.SamplingWindow.TotalSeconds, options.BreakDuration.TotalSeconds);
        Record(EventKinds.CircuitReconfigured, "circuit rebuilt from reloaded settings: closed, nothing counted");
        Status.Update(s => s with { Circuit = "Closed", CircuitReopensAt = null });
    }

    private void OnCircuitTransition(CircuitTransition t)
    {
        switch (t.State)
        {
            case CircuitState.Open:
                Log.CircuitOpened(_logger, t.ReopensAt!.Value.ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
                Record(new SupervisorEvent(_time.GetUtcNow(), EventKinds.CircuitOpen, $"circuit open until {t.ReopensAt:O}") { Until = t.ReopensAt });
                break;
            case CircuitState.HalfOpen:
                Log.CircuitHalfOpen(_logger);
                Record(EventKinds.CircuitHalfOpen, "half-open trial");
                break;
            case CircuitState.Closed:
                Log.CircuitClosed(_logger);
                Record(EventKinds.CircuitClosed, "circuit closed");
                break;
        }
        Status.Update(s => s with { Circuit = t.State.ToString(), CircuitReopensAt = t.ReopensAt });
    }

    private void Transition(SupervisorState state, string reason, Func<SupervisorSnapshot, SupervisorSnapshot>? also = null)
    {
        var now = _time.GetUtcNow();
        Status.Update(s =>
        {
            var next = s with { State = state, Since = s.State == state ? s.Since : now, Reason = reason };
            return also is null ? next : also(next);
        });
        Record(EventKinds.State, $"{state}: {reason}");
    }

    private void Record(string kind, string message) => Record(new SupervisorEvent(_time.GetUtcNow(), kind, message));

    private void Record(SupervisorEvent e) => Status.Record(e);
}
