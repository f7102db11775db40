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

    /// <summary>How the last life ended, for Restart:Policy; null while a life is under way.</summary>
    private RestartRequest? _lastEnd;

    /// <summary>When the last server process exited (reaped, or found gone), which the backoff counts from; null before the first.</summary>
    private DateTimeOffset? _lastExitAt;

    private Health.FatalOutputMatcher? _fatalOutput;

    /// <summary>Spawns the server and follows it until it has been healthy for ResetAfter, or has failed.</summary>
    private async ValueTask<AttemptOutcome> AttemptAsync(CancellationToken stoppingToken)
    {
        var options = Options;
        var spec = ServerLaunchSpec.From(options.Server) with { FatalOutput = FatalOutputFor(options.Health) };
        var replacing = _endedBy;
        _endedBy = null;
        _lastEnd = null;
        _lastExitAt = null; // A spawn that fails has no exit: its backoff counts from now, not from the life before it.
        ResetControlSignals();
        Transition(SupervisorState.Starting, $"spawning {spec.Command}",
            s => s with { Pid = null, ServerStartedAt = null, Adopted = false, StoppedFor = null, HealthUrl = options.Health.Url, Health = new(null, 0, null) });

        IServerProcess process;
        try
        {
            process = await _launcher.StartAsync(spec, stoppingToken);
        }
        catch (ServerStartException e)
        {
            Log.SpawnFailed(_logger, e.Message);
            Record(new SupervisorEvent(_time.GetUtcNow(), EventKinds.SpawnFailed, e.Message) { Cause = replacing });
            return await EndAsync(RestartRequest.Failure(RestartCause.SpawnFailed, e.Message));
        }

        _process = process;
        if (process.Adopted)
        {
            Log.Adopted(_logger, process.Pid, spec.Command);
            Record(new SupervisorEvent(_time.GetUtcNow(), EventKinds.Started, $"adopted pid={process.Pid}, already running") { Pid = process.Pid, Cause = replacing });
        }
        else
        {
            Log.Started(_logger, process.Pid, spec.Command);
            Record(new SupervisorEvent(_time.GetUtcNow(), EventKinds.Started, $"started pid={process.Pid}") { Pid = process.Pid, Cause = replacing });
        }
        Status.Update(s => s with { Pid = process.Pid, ServerStartedAt = process.StartedAt, Adopted = process.Adopted });

        if (await WaitUntilReadyAsync(process, stoppingToken) is { } startupFailure)
            return await EndAsync(startupFailure);

        // The watch's first tick and the stability timer are registered before Running is published, so
        // whoever reacts to Running (a test advancing fake time, say) finds them already running.
        var runningSince = _time.GetUtcNow();
        _watch = WatchAsync(process, new Uri(options.Health.Url!), runningSince, stoppingToken);
        // Cancelled when the watch ends first, so a life that ends early leaves no timer behind for ResetAfter.
        using var stability = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var stable = Task.Delay(options.Restart.ResetAfter, _time, stability.Token);
        var readyAfter = runningSince - process.StartedAt;
        var readiness = options.Health.ReadinessNeedsToken ? ", first token received" : "";
        // An adopted server has run since before the daemon: how long it took to start is not the daemon's to say.
        if (process.Adopted)
            Log.AdoptedReady(_logger, process.Pid, readiness);
        else
            Log.Ready(_logger, process.Pid, readyAfter.TotalSeconds, readiness);
        Transition(SupervisorState.Running,
            process.Adopted ? $"adopted pid={process.Pid}: healthy{readiness}" : $"healthy after {readyAfter.TotalSeconds:0.0##} s{readiness}",
            s => s with { Health = s.Health with { LastOkAt = runningSince, Strikes = 0 } });

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

    /// <summary>The compiled Health:FatalOutput, compiled again only when a reload changed the list.</summary>
    private Health.FatalOutputMatcher? FatalOutputFor(Configuration.HealthOptions health)
    {
        if (_fatalOutput is { } current && current.Uses(health.FatalOutput))
            return current;
        return _fatalOutput = Health.FatalOutputMatcher.From(health.FatalOutput);
    }

    /// <summary>After a successful start: waits for the server's end and cleans up after it.</summary>
    private async Task<AttemptOutcome> RunUntilEndAsync(CancellationToken stoppingToken) => await EndAsync(await _watch!.WaitAsync(stoppingToken));

    /// <summary>Ends this life of the server: stops what is left of it, and keeps why for the spawn that replaces it.</summary>
    private async Task<AttemptOutcome> EndAsync(RestartRequest end)
    {
        _endedBy = end.Cause;
        _lastEnd = end;
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

    /// <returns>Null once ready; otherwise why the start ended.</returns>
    private Task<RestartRequest?> WaitUntilReadyAsync(IServerProcess process, CancellationToken stoppingToken) =>
        EndingPendingWorkAsync(token => ProbeUntilReadyAsync(process, token), stoppingToken);

    /// <summary>
    /// Startup: a 2xx from Health:Url, then (Readiness "Generation") a first token. Health:StartupTimeout bounds the
    /// whole of it, probes included. Failures while the model loads are expected and are not strikes.
    /// </summary>
    private async Task<RestartRequest?> ProbeUntilReadyAsync(IServerProcess process, CancellationToken stoppingToken)
    {
        var restartRequested = CurrentRestartSignal().Task;
        var options = Options.Health;
        var url = new Uri(options.Url!);
        var deadline = _time.GetUtcNow() + options.StartupTimeout;
        if (await WaitForPortAsync(process, url, deadline, restartRequested, stoppingToken) is { } portNeverOpened)
            return portNeverOpened;

        var wait = TimeSpan.Zero;
        HealthProbeResult result;
        while (true)
        {
            // The next probe's timer is registered before this one goes out, for the same reason as in AttemptAsync.
            wait = StartupProbeRamp.WaitAfter(wait, options.StartupProbeInterval);
            var next = Task.Delay(Shorter(wait, deadline - _time.GetUtcNow()), _time, stoppingToken);
            var probe = _probe.ProbeAsync(url, options.Timeout, stoppingToken);
            if (await FirstEndAsync(process, probe, restartRequested, "during startup") is { } ended)
                return ended;

            result = await probe;
            ProbeCompleted?.Invoke(result);
            if (result.Healthy)
                break;
            var failedAt = _time.GetUtcNow();
            Status.Update(s => s with { Health = s.Health with { LastError = result.Failure, LastErrorAt = failedAt, LastErrorDuringStartup = true } });

            if (failedAt >= deadline)
                return StartupTimedOut(options, $"last probe: {result.Failure}");
            if (await FirstEndAsync(process, next, restartRequested, "during startup") is { } endedWhileWaiting)
                return endedWhileWaiting;
            stoppingToken.ThrowIfCancellationRequested();
        }

        return options.ReadinessNeedsToken
            ? await WaitForFirstTokenAsync(process, options, deadline, restartRequested, stoppingToken)
            : null;
    }

    /// <summary>
    /// Before the first probe, waits for the server's port to open, looking every <see cref="PortPollInterval"/>. A
    /// connection attempt to a port nobody listens on is refused by the kernel at once and costs the server nothing, so
    /// it can be made that often however long the server takes to get there (mlx_lm.server before 0.31.3 loads its model
    /// before it listens): a server is probed within tens of milliseconds of opening its port, where probes on the ramp
    /// alone would find it up to StartupProbeInterval late.
    /// </summary>
    /// <returns>Null once the port is open; otherwise why the start ended.</returns>
    private async Task<RestartRequest?> WaitForPortAsync(IServerProcess process, Uri url, DateTimeOffset deadline,
        Task<RestartRequest> restartRequested, CancellationToken stoppingToken)
    {
        while (true)
        {
            var next = Task.Delay(PortPollInterval, _time, stoppingToken);
            var listening = _probe.IsListeningAsync(url, stoppingToken);
            if (await FirstEndAsync(process, listening, restartRequested, "during startup") is { } ended)
                return ended;
            if (await listening)
                return null;
            if (_time.GetUtcNow() >= deadline)
                return StartupTimedOut(Options.Health, "last probe: connection refused");
            if (await FirstEndAsync(process, next, restartRequested, "during startup") is { } endedWhileWaiting)
                return endedWhileWaiting;
        }
    }

    /// <summary>How often a starting server's port is looked at until it opens.</summary>
    internal static readonly TimeSpan PortPollInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Readiness "Generation": /health answered, so the port is open, but mlx_lm.server 0.31.3 and later loads the model
    /// only now, in its generation thread; the first token says it has. A probe may wait for what is left of the
    /// startup timeout: the server answers it once the model is in memory, and a second probe would only queue behind it.
    /// </summary>
    private async Task<RestartRequest?> WaitForFirstTokenAsync(IServerProcess process, Configuration.HealthOptions options, DateTimeOffset deadline,
        Task<RestartRequest> restartRequested, CancellationToken stoppingToken)
    {
        var generation = options.Generation;
        var url = GenerationUrl(new Uri(options.Url!), generation.Path!);
        Status.Update(s => s with { Reason = "health check passed; waiting for a first token (the model loads)" });
        var wait = TimeSpan.Zero;
        while (true)
        {
            var left = deadline - _time.GetUtcNow();
            if (left <= TimeSpan.Zero)
                return StartupTimedOut(options, "no first token yet");
            var probe = _generationProbe.ProbeAsync(url, generation.Model, left, stoppingToken);
            if (await FirstEndAsync(process, probe, restartRequested, "during startup") is { } ended)
                return ended;

            var result = await probe;
            if (result.Passed)
            {
                Status.Update(s => s with { Health = s.Health with { LastTokenAt = _time.GetUtcNow() } });
                return null;
            }
            var failedAt = _time.GetUtcNow();
            Status.Update(s => s with { Health = s.Health with { LastError = $"generation probe: {result.Failure}", LastErrorAt = failedAt, LastErrorDuringStartup = true } });
            if (result.WasRefused)
            {
                // mlx_lm.server answers 404 with the reason when the model failed to load; waiting longer cannot help.
                Log.ModelLoadFailed(_logger, process.Pid, result.StatusCode!.Value, result.Failure!);
                return RestartRequest.Failure(RestartCause.StartupFailed, $"the model failed to load: generation probe got {result.Failure}");
            }
            // The probe had what was left of the startup: its own timeout would only say how much that was.
            if (result.TimedOut)
                return StartupTimedOut(options, "generation probe: no first token");

            // The connection failed without an answer: try again, after the same short waits as the health probes.
            wait = StartupProbeRamp.WaitAfter(wait, options.StartupProbeInterval);
            var next = Task.Delay(Shorter(wait, deadline - _time.GetUtcNow()), _time, stoppingToken);
            if (await FirstEndAsync(process, next, restartRequested, "during startup") is { } endedWhileWaiting)
                return endedWhileWaiting;
        }
    }

    private static RestartRequest StartupTimedOut(Configuration.HealthOptions options, string last) =>
        RestartRequest.Failure(RestartCause.StartupTimeout,
            $"not ready within the startup timeout of {options.StartupTimeout.TotalSeconds:0.###} s ({last})");

    /// <summary>Health:Generation:Path on the address of Health:Url: mlx_lm.server serves /health and the API on one port.</summary>
    internal static Uri GenerationUrl(Uri healthUrl, string path) => new(new Uri(healthUrl.GetLeftPart(UriPartial.Authority)), path);

    private static TimeSpan Shorter(TimeSpan a, TimeSpan b) => a < b ? (a > TimeSpan.Zero ? a : TimeSpan.Zero) : (b > TimeSpan.Zero ? b : TimeSpan.Zero);

    /// <summary>
    /// Waits for <paramref name="work"/>, unless the life of the server ends first: it exits, prints a fatal line, or a
    /// restart is asked for.
    /// </summary>
    /// <returns>Null when <paramref name="work"/> finished first; otherwise why the life ends.</returns>
    private async Task<RestartRequest?> FirstEndAsync(IServerProcess process, Task work, Task<RestartRequest> restartRequested, string when)
    {
        var first = await Task.WhenAny(process.Exited, work, restartRequested, process.FatalLine);
        if (first == process.Exited)
            return Exited(process, when);
        if (first == restartRequested)
            return restartRequested.Result;
        if (first == process.FatalLine)
            return FatalOutputSeen(process, process.FatalLine.Result);
        return null;
    }

    /// <summary>Probes every Interval until the server exits, is declared dead, or a restart is requested.</summary>
    /// <remarks>
    /// The next tick is set as a probe begins, not when it ends, so probes start Interval apart even while each one
    /// waits out its Timeout: a hung server is declared dead FailureThreshold × Interval + Timeout after its last
    /// answer, not FailureThreshold × (Interval + Timeout). Timeout is below Interval (validated), so probes never overlap.
    /// Beside the health ticks, an idle server is sent a generation probe (see <see cref="GenerationProbeSchedule"/>),
    /// and a fatal line ends the life at once.
    /// </remarks>
    /// <returns>Why this life of the server ended.</returns>
    /// <param name="url">The URL the server was started for; a reloaded Health:Url applies at the next restart.</param>
    private Task<RestartRequest> WatchAsync(IServerProcess process, Uri url, DateTimeOffset runningSince, CancellationToken stoppingToken) =>
        EndingPendingWorkAsync(token => ProbeUntilEndAsync(process, url, runningSince, token), stoppingToken);

    private async Task<RestartRequest> ProbeUntilEndAsync(IServerProcess process, Uri url, DateTimeOffset runningSince, CancellationToken stoppingToken)
    {
        var restartRequested = CurrentRestartSignal().Task;
        var strikes = new StrikeCounter(Options.Health.FailureThreshold);
        var tick = Task.Delay(Options.Health.Interval, _time, stoppingToken);
        var canary = new GenerationCanary(this, url, runningSince, stoppingToken);
        while (true)
        {
            var woke = await Task.WhenAny(process.Exited, tick, restartRequested, process.FatalLine, canary.Next);
            if (woke == process.Exited)
                return Exited(process, "");
            if (woke == restartRequested)
                return restartRequested.Result;
            if (woke == process.FatalLine)
                return FatalOutputSeen(process, process.FatalLine.Result);
            if (woke == canary.Next)
            {
                if (await canary.ActAsync() is { } generationFailed)
                    return generationFailed;
                continue;
            }
            await tick;

            var options = Options.Health;
            if (options.FailureThreshold != strikes.Threshold)
                strikes = strikes.WithThreshold(options.FailureThreshold); // A reload applies at once, strikes so far kept.
            // Also registered before the result is published, for the same reason as in AttemptAsync.
            tick = Task.Delay(options.Interval, _time, stoppingToken);
            var probe = _probe.ProbeAsync(url, options.Timeout, stoppingToken);
            if (await FirstEndAsync(process, probe, restartRequested, "") is { } endedDuringProbe)
                return endedDuringProbe;
            var result = await probe;
            ProbeCompleted?.Invoke(result);

            if (result.Healthy)
            {
                var wasUnhealthy = strikes.Strikes > 0;
                strikes.RecordSuccess();
                Status.Update(s => s with { Health = s.Health with { LastOkAt = _time.GetUtcNow(), Strikes = 0 } });
                if (wasUnhealthy)
                {
                    Log.Recovered(_logger);
                    Transition(SupervisorState.Running, "healthy again");
                }
                continue;
            }

            var failedAt = _time.GetUtcNow();
            if (BusyReason(options) is { } busy)
            {
                Log.StrikeWaived(_logger, result.Failure!, busy);
                Record(EventKinds.StrikeWaived, $"probe failed ({result.Failure}) but {busy}");
                continue;
            }

            var dead = strikes.RecordFailure();
            Log.Strike(_logger, strikes.Strikes, strikes.Threshold, result.Failure!);
            var health = Status.Current.Health with
            {
                Strikes = strikes.Strikes, LastError = result.Failure, LastErrorAt = failedAt, LastErrorDuringStartup = false,
            };
            if (dead)
            {
                var reason = $"declared dead after {strikes.Threshold} failed probes ({result.Failure})";
                Log.DeclaredDead(_logger, process.Pid, reason);
                Record(new SupervisorEvent(_time.GetUtcNow(), EventKinds.DeclaredDead, reason) { Pid = process.Pid });
                Status.Update(s => s with { Health = health });
                return RestartRequest.Failure(RestartCause.Unhealthy, reason);
            }
            Transition(SupervisorState.Unhealthy, $"strike {strikes.Strikes}/{strikes.Threshold} ({result.Failure})", s => s with { Health = health });
        }
    }

    /// <summary>A line of the server's output matched Health:FatalOutput: the server is dead, whatever /health says.</summary>
    private RestartRequest FatalOutputSeen(IServerProcess process, string line)
    {
        var meaning = MlxFailureText.Explain(line);
        var reason = meaning is null ? $"declared dead: fatal output \"{line}\"" : $"declared dead: {meaning} (fatal output \"{line}\")";
        Log.FatalOutput(_logger, process.Pid, line);
        Log.DeclaredDead(_logger, process.Pid, reason);
        Record(new SupervisorEvent(_time.GetUtcNow(), EventKinds.DeclaredDead, reason) { Pid = process.Pid });
        return RestartRequest.Failure(RestartCause.FatalOutput, reason);
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
        var tail = process.RecentStderr;
        var described = exit.Describe(tail);
        Log.Exited(_logger, process.Pid, described, uptime.TotalSeconds);
        if (exit.ExitCode is not 0 && tail.Count > 0)
            Log.StderrTail(_logger, process.Pid, tail.Count, string.Join(Environment.NewLine, tail));
        var reason = when.Length == 0 ? $"exited {described}" : $"exited {described} {when}";
        var message = $"pid={process.Pid} {reason}";
        Record(new SupervisorEvent(_time.GetUtcNow(), EventKinds.Exited, message) { Pid = process.Pid });
        return new RestartRequest(reason, CountsAsFailure: true, new RestartCause(RestartCause.Exited, message)) { ExitCode = exit.ExitCode };
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
        var tail = process.RecentStderr;
        if (wasRunning && stop.Killed)
            Log.StoppedBySigkill(_logger, process.Pid, grace.TotalSeconds, stop.Exit.Describe(tail), stop.Took.TotalSeconds);
        else if (wasRunning)
            Log.StoppedBySigterm(_logger, process.Pid, stop.Exit.Describe(tail), stop.Took.TotalSeconds);
        else if (stop.Killed || process.Exited.Result.ExitCode is null)
            Log.LeftoversStopped(_logger, process.Pid, stop.Killed ? "SIGKILL" : "SIGTERM", stop.Exit.Describe(tail));
        if (stop.Survivors.Count > 0)
        {
            Log.Survivors(_logger, process.Pid, string.Join(',', stop.Survivors));
            Record(new SupervisorEvent(_time.GetUtcNow(), EventKinds.Survivors,
                $"pid={process.Pid}: gave up waiting for {string.Join(',', stop.Survivors)}, which survived SIGKILL") { Pid = process.Pid });
        }
        Record(EventKinds.Stopped, wasRunning
            ? $"pid={process.Pid} stopped by {(stop.Killed ? "SIGKILL" : "SIGTERM")} in {stop.Took.TotalSeconds:0.0} s, {stop.Exit.Describe(tail)}"
            : $"pid={process.Pid} cleaned up");

        var exit = stop.Exit;
        _lastExitAt = exit.At;
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
