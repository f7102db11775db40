using MlxSupervisor.Health;

namespace MlxSupervisor.Supervision;

public sealed partial class ServerSupervisor
{
    /// <summary>
    /// The generation probes of one Running life of the server: a one-token request once the server has been idle for
    /// Health:Generation:Interval. mlx_lm.server's generation thread can die or hang silently while /health stays
    /// green (mlx-lm #1834, #1493), and with no client asking nothing else would notice.
    /// </summary>
    /// <remarks>
    /// The watch loop waits on <see cref="Next"/> beside its health ticks: the check timer, or the probe in flight, so
    /// a probe that waits out its 30 s never holds up the health probes. Its settings are read at each check, so a
    /// reload applies at the next one; turning probes on applies at the server's next life.
    /// </remarks>
    private sealed class GenerationCanary
    {
        private static readonly Task Never = new TaskCompletionSource().Task;

        private readonly ServerSupervisor _owner;
        private readonly Uri _healthUrl;
        private readonly DateTimeOffset _runningSince;
        private readonly CancellationToken _stoppingToken;
        private DateTimeOffset? _lastPassed;
        private Task<GenerationProbeResult>? _probe;
        private DateTimeOffset _probeStartedAt;

        public GenerationCanary(ServerSupervisor owner, Uri healthUrl, DateTimeOffset runningSince, CancellationToken stoppingToken)
        {
            _owner = owner;
            _healthUrl = healthUrl;
            _runningSince = runningSince;
            _stoppingToken = stoppingToken;
            Next = owner.Options.Health.Generation.Enabled ? Schedule() : Never;
        }

        /// <summary>Completes when the canary has something to do: its check is due, or its probe has an answer.</summary>
        public Task Next { get; private set; }

        /// <returns>Why the server is dead, when a probe says so; otherwise null, with <see cref="Next"/> set again.</returns>
        public async Task<RestartRequest?> ActAsync()
        {
            _stoppingToken.ThrowIfCancellationRequested();
            if (_probe is { } probe)
            {
                _probe = null;
                var result = await probe;
                if (Judge(result) is { } dead)
                    return dead;
            }
            Next = Schedule();
            return null;
        }

        private Task Schedule()
        {
            var generation = _owner.Options.Health.Generation;
            var activity = _owner._activity.Current;
            var now = _owner._time.GetUtcNow();
            var proof = GenerationProbeSchedule.LastProofOfLife(_runningSince, _lastPassed, activity.LastByteAt);
            if (GenerationProbeSchedule.NextCheck(now, proof, activity.InFlight, generation.Interval) is { } at)
                return Task.Delay(at - now, _owner._time, _stoppingToken);

            _probeStartedAt = now;
            _probe = _owner._generationProbe.ProbeAsync(GenerationUrl(_healthUrl, generation.Path!), generation.Model, generation.Timeout, _stoppingToken);
            return _probe;
        }

        private RestartRequest? Judge(GenerationProbeResult result)
        {
            var now = _owner._time.GetUtcNow();
            var pid = _owner.Status.Current.Pid ?? 0;
            if (result.Passed)
            {
                _lastPassed = now;
                Log.GenerationProbePassed(_owner._logger, pid, result.Took.TotalMilliseconds);
                _owner.Status.Update(s => s with { Health = s.Health with { LastTokenAt = now } });
                return null;
            }

            // A client's request took the server's attention while the probe waited: with clients in flight the stall
            // watchdog is the judge, and bytes to a client are proof of life.
            var activity = _owner._activity.Current;
            if (activity.InFlight > 0 || activity.LastByteAt >= _probeStartedAt)
            {
                var why = activity.InFlight > 0 ? $"{activity.InFlight} client requests in flight" : "a client got bytes from the server meanwhile";
                Log.GenerationProbeWaived(_owner._logger, result.Failure!, why);
                _owner.Record(EventKinds.StrikeWaived, $"generation probe failed ({result.Failure}) but {why}");
                return null;
            }

            var reason = $"generation probe: {result.Failure}";
            _owner.Status.Update(s => s with { Health = s.Health with { LastError = reason, LastErrorAt = now, LastErrorDuringStartup = false } });
            Log.DeclaredDead(_owner._logger, pid, $"declared dead: {reason}");
            _owner.Record(new SupervisorEvent(now, EventKinds.DeclaredDead, $"declared dead: {reason}") { Pid = pid });
            return RestartRequest.Failure(RestartCause.GenerationProbe, $"declared dead: {reason}");
        }
    }
}
