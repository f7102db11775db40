using System.Diagnostics.Metrics;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.FrontDoor;

/// <summary>
/// The front door's counters: read as a <see cref="FrontDoorSnapshot"/> by the status endpoint, as
/// <see cref="IServerActivity"/> by the supervisor (busy, not dead), and recorded on the "MlxSupervisor.FrontDoor" meter.
/// Every method is a few interlocked operations: they run on each request, and some on each chunk of a stream.
/// </summary>
public sealed class FrontDoorStatistics : IServerActivity, IDisposable
{
    public const string MeterName = "MlxSupervisor.FrontDoor";

    private static readonly double[] QueueWaitBuckets = [0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly TimeProvider _time;
    private readonly Meter _meter;
    private readonly KeyValuePair<string, object?> _serverTag;

    /// <summary>The Meter its instruments live on, so an exporter can tell this front door's from another's.</summary>
    internal Meter Meter => _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _queueWait;
    private readonly Counter<long> _rejectedCounter;
    private readonly Counter<long> _abandonedCounter;
    private readonly Counter<long> _retriedCounter;
    private readonly Counter<long> _failedCounter;
    private readonly Counter<long> _stallCounter;
    private readonly long[] _rejected = new long[Enum.GetValues<Rejection>().Length];

    private int _inFlight;
    private int _queued;
    private int _waitingForServer;
    private long _admitted;
    private long _queueWaitTicks;
    private long _longestQueueWaitTicks;
    private long _abandoned;
    private long _retried;
    private long _failed;
    private long _stalls;

    // UtcTicks of the time provider; 0 = never.
    private long _lastByteTicks;
    private long _lastForwardTicks;
    private long _lastEndTicks;

    // Created by a waiter of WhenNoneInFlightAsync, completed and cleared as the last request in flight ends.
    private TaskCompletionSource? _drained;

    /// <param name="meterFactory">Null: the statistics own a meter of their own (tests).</param>
    /// <param name="server">The server these are the figures of: the <c>server</c> label of every measurement.</param>
    public FrontDoorStatistics(TimeProvider time, IMeterFactory? meterFactory = null, string server = Configuration.ServerSettings.DefaultName)
    {
        _time = time;
        Server = server;
        _serverTag = new KeyValuePair<string, object?>("server", server);
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        // Each server's figures are instruments of their own on the one Meter, told apart by the server label.
        _meter.CreateObservableUpDownCounter("mlxsup.frontdoor.in_flight", () => new Measurement<int>(Volatile.Read(ref _inFlight), _serverTag), "{request}",
            "Requests forwarded to the server and not yet finished.");
        _meter.CreateObservableUpDownCounter("mlxsup.frontdoor.queued", () => new Measurement<int>(Volatile.Read(ref _queued), _serverTag), "{request}",
            "Requests waiting for their turn.");
        _meter.CreateObservableUpDownCounter("mlxsup.frontdoor.waiting_for_server", () => new Measurement<int>(Volatile.Read(ref _waitingForServer), _serverTag),
            "{request}", "Requests whose turn has come, waiting for the server to be up.");
        _queueWait = _meter.CreateHistogram("mlxsup.frontdoor.queue_wait", "s", "Time from arrival to forwarding, for admitted requests.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = QueueWaitBuckets });
        _rejectedCounter = _meter.CreateCounter<long>("mlxsup.frontdoor.rejected", "{request}", "Requests answered with 429 or 503, by reason.");
        _abandonedCounter = _meter.CreateCounter<long>("mlxsup.frontdoor.abandoned", "{request}", "Clients that left while queued.");
        _retriedCounter = _meter.CreateCounter<long>("mlxsup.frontdoor.retried", "{request}",
            "Requests sent again after the server refused or reset them before any byte reached the client.");
        _failedCounter = _meter.CreateCounter<long>("mlxsup.frontdoor.failed", "{request}", "Requests that ended with a front door error or a cut stream.");
        _stallCounter = _meter.CreateCounter<long>("mlxsup.frontdoor.stalls", "{stall}", "Restarts by the stall watchdog.");
    }

    /// <summary>The server these are the figures of.</summary>
    public string Server { get; }

    public ServerActivitySnapshot Current => new(Volatile.Read(ref _inFlight), At(Volatile.Read(ref _lastByteTicks)));

    /// <summary>When a request was last handed to the server or last ended: an OnDemand server is idle from then, and the
    /// least recently used is the first stopped to make room.</summary>
    public DateTimeOffset? LastRequestAt => At(Math.Max(Volatile.Read(ref _lastEndTicks), Volatile.Read(ref _lastForwardTicks)));

    /// <summary>The last sign of work: a byte from the server, or a request handed to it.</summary>
    internal DateTimeOffset? LastProgressAt => At(Math.Max(Volatile.Read(ref _lastByteTicks), Volatile.Read(ref _lastForwardTicks)));

    public FrontDoorSnapshot Snapshot()
    {
        var rejected = new Dictionary<Rejection, long>(_rejected.Length);
        foreach (var reason in Enum.GetValues<Rejection>())
            rejected[reason] = Volatile.Read(ref _rejected[(int)reason]);
        return new FrontDoorSnapshot(
            Volatile.Read(ref _inFlight),
            Volatile.Read(ref _queued),
            Volatile.Read(ref _waitingForServer),
            Volatile.Read(ref _admitted),
            TimeSpan.FromTicks(Volatile.Read(ref _queueWaitTicks)),
            TimeSpan.FromTicks(Volatile.Read(ref _longestQueueWaitTicks)),
            rejected,
            Volatile.Read(ref _abandoned),
            Volatile.Read(ref _retried),
            Volatile.Read(ref _failed),
            Volatile.Read(ref _stalls),
            At(Volatile.Read(ref _lastByteTicks)));
    }

    internal void EnterQueue() => Interlocked.Increment(ref _queued);

    internal void LeaveQueue() => Interlocked.Decrement(ref _queued);

    internal void EnterServerWait() => Interlocked.Increment(ref _waitingForServer);

    internal void LeaveServerWait() => Interlocked.Decrement(ref _waitingForServer);

    internal void Admitted(TimeSpan waited)
    {
        Interlocked.Increment(ref _admitted);
        Interlocked.Add(ref _queueWaitTicks, waited.Ticks);
        var longest = Volatile.Read(ref _longestQueueWaitTicks);
        while (waited.Ticks > longest)
        {
            var seen = Interlocked.CompareExchange(ref _longestQueueWaitTicks, waited.Ticks, longest);
            if (seen == longest)
                break;
            longest = seen;
        }
        _queueWait.Record(waited.TotalSeconds, _serverTag);
    }

    internal void Rejected(Rejection reason)
    {
        Interlocked.Increment(ref _rejected[(int)reason]);
        _rejectedCounter.Add(1, new KeyValuePair<string, object?>("reason", reason.Code()), _serverTag);
    }

    internal void Abandoned()
    {
        Interlocked.Increment(ref _abandoned);
        _abandonedCounter.Add(1, _serverTag);
    }

    internal void ForwardStarted()
    {
        Volatile.Write(ref _lastForwardTicks, _time.GetUtcNow().UtcTicks);
        Interlocked.Increment(ref _inFlight);
    }

    internal void ForwardEnded()
    {
        Volatile.Write(ref _lastEndTicks, _time.GetUtcNow().UtcTicks);
        if (Interlocked.Decrement(ref _inFlight) == 0)
            Interlocked.Exchange(ref _drained, null)?.TrySetResult();
    }

    /// <summary>Completes once no request is in flight: at once if none is.</summary>
    public async Task WhenNoneInFlightAsync(CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _inFlight) > 0)
        {
            var signal = Volatile.Read(ref _drained);
            if (signal is null)
            {
                var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                signal = Interlocked.CompareExchange(ref _drained, fresh, null) ?? fresh;
            }
            // The last request may have ended before the signal was in place, and found none to complete.
            if (Volatile.Read(ref _inFlight) == 0)
                return;
            await signal.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Bytes came from the server: response headers, or a chunk of the body.</summary>
    internal void ServerSentBytes() => Volatile.Write(ref _lastByteTicks, _time.GetUtcNow().UtcTicks);

    internal void Retried()
    {
        Interlocked.Increment(ref _retried);
        _retriedCounter.Add(1, _serverTag);
    }

    internal void Failed()
    {
        Interlocked.Increment(ref _failed);
        _failedCounter.Add(1, _serverTag);
    }

    internal void Stalled()
    {
        Interlocked.Increment(ref _stalls);
        _stallCounter.Add(1, _serverTag);
    }

    public void Dispose()
    {
        if (_ownsMeter)
            _meter.Dispose();
    }

    private static DateTimeOffset? At(long utcTicks) => utcTicks == 0 ? null : new DateTimeOffset(utcTicks, TimeSpan.Zero);
}
