using MlxSupervisor.Health;
using MlxSupervisor.Process;
using MlxSupervisor.Restart;

namespace MlxSupervisor.Supervision;

/// <summary>One life of the server: spawn, startup, watch, end.</summary>
public sealed partial class ServerSupervisor
{
    private IServerProcess? _process;
    private Task<RestartRequest>? _watch;

    /// <summary>Why the last life of the server ended, for the spawn that replaces it; null before the first.</summary>
    private RestartCause? _endedBy;

    /// <summary>Spawns the server and follows it until it has been healthy for ResetAfter, or has failed.</summary>
    private async ValueTask<AttemptOutcome> AttemptAsync(CancellationToken stoppingToken)
    {
        var options = Options;
        var spec = ServerLaunchSpec.From(options.Server);
        var replacing = _endedBy;
        _endedBy = null;
        ResetControlSignals();
        Transition(SupervisorState.Starting, $"spawning {spec.Command}", s => s with { Pid = null, ServerStartedAt = null, Health = new(null, 0, null) });

        IServerProcess process;
        try
        {
            process = _launcher.Start(spec);
        }
        catch (ServerStartException e)
        {
            Log.SpawnFailed(_logger, e.Message);
            Record(new SupervisorEvent(_time.GetUtcNow(), EventKinds.SpawnFailed, e.Message) { Cause = replacing });
            return await EndAsync(RestartRequest.Failure(RestartCause.SpawnFailed, e.Message));
        }

        _process = process;
        Log.Started(_logger, process.Pid, spec.Command);
        Record(new SupervisorEvent(_time.GetUtcNow(), EventKinds.Started, $"started pid={process.Pid}") { Pid = process.Pid, Cause = replacing });
        Status.Update(s => s with { Pid = process.Pid, ServerStartedAt = process.StartedAt });

        if (await WaitUntilHealthyAsync(process, stoppingToken) is { } startupFailure)
            return await EndAsync(startupFailure);

        // The watch's first tick and the stability timer are registered before Running is published, so
        // whoever reacts to Running (a test advancing fake time, say) finds them already running.
        _watch = WatchAsync(process, new Uri(options.Health.Url!), stoppingToken);
        // Cancelled when the watch ends first, so a life that ends early leaves no timer behind for ResetAfter.
        using var stability = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var stable = Task.Delay(options.Restart.ResetAfter, _time, stability.Token);
        var healthyAfter = _time.GetUtcNow() - process.StartedAt;
        Log.Healthy(_logger, process.Pid, healthyAfter.TotalSeconds);
        Transition(SupervisorState.Running, $"healthy after {healthyAfter.TotalSeconds:0.0} s",
            s => s with { Health = s.Health with { LastOkAt = _time.GetUtcNow(), Strikes = 0 } });

        if (await Task.WhenAny(_watch, stable) == stable)
        {
            await stable; // Surfaces cancellation.
            Log.Stable(_logger, process.Pid, options.Restart.ResetAfter.TotalSeconds);
            Record(EventKinds.Stable, $"stable for {options.Restart.ResetAfter.TotalSeconds:0.###} s");
            return AttemptOutcome.Stable;
        }

        await stability.CancelAsync();
        return await EndAsync(await _watch);
    }

    /// <summary>After a successful start: waits for the server's end and cleans up after it.</summary>
    private async Task<AttemptOutcome> RunUntilEndAsync(CancellationToken stoppingToken) => await EndAsync(await _watch!.WaitAsync(stoppingToken));

    /// <summary>Ends this life of the server: stops what is left of it, and keeps why for the spawn that replaces it.</summary>
    private async Task<AttemptOutcome> EndAsync(RestartRequest end)
    {
        _endedBy = end.Cause;
        await StopCurrentAsync(end.Reason);
        return end.CountsAsFailure ? AttemptOutcome.Failed(end.Reason) : AttemptOutcome.Interrupted(end.Reason);
    }

    /// <summary>
    /// Runs <paramref name="body"/> with a token that is cancelled as it returns, however it returns, so the timer
    /// and the probe it may leave pending end with it instead of running on after that life of the server.
    /// </summary>
    private static async Task<T> EndingPendingWorkAsync<T>(Func<CancellationToken, Task<T>> body, CancellationToken stoppingToken)
    {
        using var scope = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        try
        {
            return await body(scope.Token);
        }
        finally
        {
            await scope.CancelAsync();
        }
    }

    /// <returns>Null once healthy; otherwise why the start ended.</returns>
    private Task<RestartRequest?> WaitUntilHealthyAsync(IServerProcess process, CancellationToken stoppingToken) =>
        EndingPendingWorkAsync(token => ProbeUntilHealthyAsync(process, token), stoppingToken);

    private async Task<RestartRequest?> ProbeUntilHealthyAsync(IServerProcess process, CancellationToken stoppingToken)
    {
        var restartRequested = CurrentRestartSignal().Task;
        var options = Options.Health;
        var url = new Uri(options.Url!);
        var deadline = _time.GetUtcNow() + options.StartupTimeout;
        while (true)
        {
            var next = Task.Delay(options.StartupProbeInterval, _time, stoppingToken);
            var probe = _probe.ProbeAsync(url, options.Timeout, stoppingToken);
            var first = await Task.WhenAny(process.Exited, probe, restartRequested);
            if (first == process.Exited)
                return Exited(process, "during startup");
            if (first == restartRequested)
                return restartRequested.Result;

            var result = await probe;
            ProbeCompleted?.Invoke(result);
            if (result.Healthy)
                return null;
            Status.Update(s => s with { Health = s.Health with { LastError = result.Failure } });

            // Failures while the model loads are expected and are not strikes.
            if (_time.GetUtcNow() >= deadline)
                return RestartRequest.Failure(RestartCause.StartupTimeout,
                    $"not healthy within the startup timeout of {options.StartupTimeout.TotalSeconds:0.###} s (last probe: {result.Failure})");
            if (await Task.WhenAny(process.Exited, next, restartRequested) == process.Exited)
                return Exited(process, "during startup");
            stoppingToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Probes every Interval until the server exits, is declared dead, or a restart is requested.</summary>
    /// <remarks>
    /// The next tick is set as a probe begins, not when it ends, so probes start Interval apart even while each one
    /// waits out its Timeout: a hung server is declared dead FailureThreshold × Interval + Timeout after its last
    /// answer, not FailureThreshold × (Interval + Timeout). Timeout is below Interval (validated), so probes never overlap.
    /// </remarks>
    /// <returns>Why this life of the server ended.</returns>
    /// <param name="url">The URL the server was started for; a reloaded Health:Url applies at the next restart.</param>
    private Task<RestartRequest> WatchAsync(IServerProcess process, Uri url, CancellationToken stoppingToken) =>
        EndingPendingWorkAsync(token => ProbeUntilEndAsync(process, url, token), stoppingToken);

    private async Task<RestartRequest> ProbeUntilEndAsync(IServerProcess process, Uri url, CancellationToken stoppingToken)
    {
        var restartRequested = CurrentRestartSignal().Task;
        var strikes = new StrikeCounter(Options.Health.FailureThreshold);
        var tick = Task.Delay(Options.Health.Interval, _time, stoppingToken);
        while (true)
        {
            var woke = await Task.WhenAny(process.Exited, tick, restartRequested);
            if (woke == process.Exited)
                return Exited(process, "");
            if (woke == restartRequested)
                return restartRequested.Result;
            await tick;

            var options = Options.Health;
            if (options.FailureThreshold != strikes.Threshold)
                strikes = strikes.WithThreshold(options.FailureThreshold); // A reload applies at once, strikes so far kept.
            // Also registered before the result is published, for the same reason as in AttemptAsync.
            tick = Task.Delay(options.Interval, _time, stoppingToken);
            var probe = _probe.ProbeAsync(url, options.Timeout, stoppingToken);
            if (await Task.WhenAny(process.Exited, probe) == process.Exited)
                return Exited(process, "");
            var result = await probe;
            ProbeCompleted?.Invoke(result);

            if (result.Healthy)
            {
                var wasUnhealthy = strikes.Strikes > 0;
                strikes.RecordSuccess();
                Status.Update(s => s with { Health = new HealthSnapshot(_time.GetUtcNow(), 0, s.Health.LastError) });
                if (wasUnhealthy)
                {
                    Log.Recovered(_logger);
                    Transition(SupervisorState.Running, "healthy again");
                }
                continue;
            }

            if (BusyReason(options) is { } busy)
            {
                Log.StrikeWaived(_logger, result.Failure!, busy);
                Record(EventKinds.StrikeWaived, $"probe failed ({result.Failure}) but {busy}");
                continue;
            }

            var dead = strikes.RecordFailure();
            Log.Strike(_logger, strikes.Strikes, strikes.Threshold, result.Failure!);
            if (dead)
            {
                var reason = $"declared dead after {strikes.Threshold} failed probes ({result.Failure})";
                Log.DeclaredDead(_logger, process.Pid, strikes.Threshold, result.Failure!);
                Record(new SupervisorEvent(_time.GetUtcNow(), EventKinds.DeclaredDead, reason) { Pid = process.Pid });
                Status.Update(s => s with { Health = s.Health with { Strikes = strikes.Strikes, LastError = result.Failure } });
                return RestartRequest.Failure(RestartCause.Unhealthy, reason);
            }
            Transition(SupervisorState.Unhealthy, $"strike {strikes.Strikes}/{strikes.Threshold} ({result.Failure})",
                s => s with { Health = s.Health with { Strikes = strikes.Strikes, LastError = result.Failure } });
        }
    }

    /// <summary>Why a failed probe is not a strike: requests are in flight and the server is still sending bytes.</summary>
    private string? BusyReason(Configuration.HealthOptions options)
    {
        var activity = _activity.Current;
        if (activity.InFlight == 0 || activity.LastByteAt is not { } lastByte)
            return null;
        var quiet = _time.GetUtcNow() - lastByte;
        return quiet <= options.Interval + options.Timeout
            ? $"the server is busy: {activity.InFlight} requests in flight, last byte {quiet.TotalSeconds:0.0} s ago"
            : null;
    }

    private RestartRequest Exited(IServerProcess process, string when)
    {
        var exit = process.Exited.Result;
        var uptime = exit.At - process.StartedAt;
        Log.Exited(_logger, process.Pid, exit.Describe(), uptime.TotalSeconds);
        var tail = process.RecentStderr;
        if (exit.ExitCode is not 0 && tail.Count > 0)
            Log.StderrTail(_logger, process.Pid, tail.Count, string.Join(Environment.NewLine, tail));
        var reason = when.Length == 0 ? $"exited {exit.Describe()}" : $"exited {exit.Describe()} {when}";
        var message = $"pid={process.Pid} {reason}";
        Record(new SupervisorEvent(_time.GetUtcNow(), EventKinds.Exited, message) { Pid = process.Pid });
        return new RestartRequest(reason, CountsAsFailure: true, new RestartCause(RestartCause.Exited, message));
    }

    /// <summary>Stops the current server (SIGTERM, grace, SIGKILL), cleans up what it left, and waits for its port.</summary>
    private async Task StopCurrentAsync(string reason)
    {
        if (_process is not { } process)
            return;
        _process = null;

        var grace = Options.Shutdown.GracePeriod;
        var wasRunning = !process.Exited.IsCompleted;
        // A server that died on its own is still "stopping" until what it left behind is gone.
        Transition(SupervisorState.Stopping, reason);
        if (wasRunning)
            Log.SigtermSent(_logger, process.Pid, grace.TotalSeconds, reason);

        var stop = await process.StopAsync(grace);
        if (wasRunning && stop.Killed)
            Log.StoppedBySigkill(_logger, process.Pid, grace.TotalSeconds, stop.Exit.Describe(), stop.Took.TotalSeconds);
        else if (wasRunning)
            Log.StoppedBySigterm(_logger, process.Pid, stop.Exit.Describe(), stop.Took.TotalSeconds);
        else if (stop.Killed || process.Exited.Result.ExitCode is null)
            Log.LeftoversStopped(_logger, process.Pid, stop.Killed ? "SIGKILL" : "SIGTERM", stop.Exit.Describe());
        if (stop.Survivors.Count > 0)
        {
            Log.Survivors(_logger, process.Pid, string.Join(',', stop.Survivors));
            Record(new SupervisorEvent(_time.GetUtcNow(), EventKinds.Survivors,
                $"pid={process.Pid}: gave up waiting for {string.Join(',', stop.Survivors)}, which survived SIGKILL") { Pid = process.Pid });
        }
        Record(EventKinds.Stopped, wasRunning
            ? $"pid={process.Pid} stopped by {(stop.Killed ? "SIGKILL" : "SIGTERM")} in {stop.Took.TotalSeconds:0.0} s, {stop.Exit.Describe()}"
            : $"pid={process.Pid} cleaned up");

        var exit = stop.Exit;
        Status.Update(s => s with
        {
            Pid = null,
            ServerStartedAt = null,
            LastExit = new ExitSnapshot(exit.ExitCode, exit.Signal, exit.At, reason),
        });
        await process.DisposeAsync();

        // Two servers must never hold the port, or the model's memory, at once.
        var url = new Uri(Options.Health.Url!);
        if (!await PortWaiter.WaitUntilFreeAsync(url, grace, _time, CancellationToken.None))
            Log.PortStillBusy(_logger, url.Port, grace.TotalSeconds);
    }
}
