namespace MlxSupervisor.FrontDoor;

/// <summary>
/// Restarts a server that went quiet while requests were in flight. mlx_lm.server's /health keeps answering 200
/// after its generation thread has died (mlx-lm issues #1672, #1909, #1834), so its clients hang and a health probe
/// alone never notices. Progress is a byte from the server or a request handed to it.
/// </summary>
internal sealed partial class StallWatchdog : IDisposable
{
    private static readonly TimeSpan ShortestPeriod = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LongestPeriod = TimeSpan.FromSeconds(1);

    private readonly FrontDoorStatistics _stats;
    private readonly Func<TimeSpan> _stallTimeoutNow;
    private TimeSpan _period;
    private readonly Action<string> _restart;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private DateTimeOffset? _reportedStallSince;

    /// <param name="restart">Restarts the server through the normal path; called once per stall, with the reason.</param>
    public StallWatchdog(FrontDoorStatistics stats, TimeSpan stallTimeout, Action<string> restart, TimeProvider time, ILogger logger)
        : this(stats, () => stallTimeout, restart, time, logger)
    {
    }

    /// <param name="stallTimeout">Read at each check, so a reloaded Proxy:StallTimeout applies at once (issue 6).</param>
    public StallWatchdog(FrontDoorStatistics stats, Func<TimeSpan> stallTimeout, Action<string> restart, TimeProvider time, ILogger logger)
    {
        _stats = stats;
        _stallTimeoutNow = stallTimeout;
        _restart = restart;
        _time = time;
        _logger = logger;
        _period = CheckPeriod(stallTimeout());
        _timer = time.CreateTimer(static self => ((StallWatchdog)self!).Check(), this, _period, _period);
    }

    /// <summary>How often progress is checked: a stall is seen at most this late.</summary>
    internal static TimeSpan CheckPeriod(TimeSpan stallTimeout) => TimeSpan.FromTicks(Math.Clamp(stallTimeout.Ticks / 8, ShortestPeriod.Ticks, LongestPeriod.Ticks));

    internal void Check()
    {
        var stallTimeout = _stallTimeoutNow();
        var period = CheckPeriod(stallTimeout);
        if (period != _period)
        {
            _period = period;
            _timer.Change(period, period);
        }
        var inFlight = _stats.Current.InFlight;
        if (inFlight == 0 || _stats.LastProgressAt is not { } since)
            return;
        var quiet = _time.GetUtcNow() - since;
        if (quiet < stallTimeout)
            return;

        // Once per stall: the restart takes a while (graceful stop, backoff), and the requests stay in flight until
        // their connections close. A byte or a newly forwarded request afterwards starts a new watch.
        lock (_lock)
        {
            if (_reportedStallSince == since)
                return;
            _reportedStallSince = since;
        }

        Log.Stalled(_logger, inFlight, quiet.TotalSeconds, stallTimeout.TotalSeconds);
        _stats.Stalled();
        _restart($"stalled: {inFlight} requests in flight and no byte from the server for {quiet.TotalSeconds:0.#} s " +
            $"(Proxy:StallTimeout {stallTimeout.TotalSeconds:0.###} s)");
    }

    public void Dispose() => _timer.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 40, EventName = "Stalled", Level = LogLevel.Error,
            Message = "The server is wedged: {InFlight} requests in flight and no byte from it for {Quiet:0.#} s (Proxy:StallTimeout {StallTimeout} s); restarting it")]
        public static partial void Stalled(ILogger logger, int inFlight, double quiet, double stallTimeout);
    }
}
