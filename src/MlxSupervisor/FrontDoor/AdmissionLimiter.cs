using System.Threading.RateLimiting;
using MlxSupervisor.Configuration;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.FrontDoor;

/// <summary>
/// Who may reach the server, as <see cref="AdmissionGate"/> asks it: a FIFO
/// <see cref="ConcurrencyLimiter"/> of Proxy:MaxConcurrentRequests permits with a queue of Proxy:QueueLimit, and then,
/// permit in hand, a wait for the server to be up. Both waits share one deadline, Proxy:QueueTimeout from arrival, so a
/// request held through a restart waits in the same queue, in the same order, as one held by load.
/// </summary>
/// <remarks>
/// The gate passes HttpContext.RequestAborted to <see cref="AcquireAsyncCore"/>, and ConcurrencyLimiter drops a
/// cancelled waiter from its queue at once: a client that leaves while queued never reaches the server.
/// </remarks>
internal sealed class AdmissionLimiter : PartitionedRateLimiter<HttpContext>
{
    private readonly Func<ProxyOptions> _options;
    private readonly SupervisorStatus _status;
    private readonly FrontDoorStatistics _stats;
    private readonly TimeProvider _time;
    private readonly CancellationToken _shutdown;
    private readonly Lock _lock = new();
    private readonly List<ConcurrencyLimiter> _retired = [];
    private ConcurrencyLimiter _permits;
    private (int Permits, int Queue) _permitsFor;

    public AdmissionLimiter(ProxyOptions options, SupervisorStatus status, FrontDoorStatistics stats, TimeProvider time, CancellationToken shutdown)
        : this(() => options, status, stats, time, shutdown)
    {
    }

    /// <param name="options">Read at each request, so reloaded limits apply at once (issue 6).</param>
    public AdmissionLimiter(Func<ProxyOptions> options, SupervisorStatus status, FrontDoorStatistics stats, TimeProvider time, CancellationToken shutdown)
    {
        _options = options;
        _permitsFor = (options().MaxConcurrentRequests, options().QueueLimit);
        _permits = NewPermits(_permitsFor);
        _status = status;
        _stats = stats;
        _time = time;
        _shutdown = shutdown;
    }

    private TimeSpan QueueTimeout => _options().QueueTimeout;

    private static ConcurrencyLimiter NewPermits((int Permits, int Queue) limits) => new(new ConcurrencyLimiterOptions
    {
        PermitLimit = limits.Permits,
        QueueLimit = limits.Queue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>
    /// The permits for new requests. A ConcurrencyLimiter cannot change its limits, so reloaded ones get a new one:
    /// requests already admitted or queued finish on the old one, which is kept (not disposed, which would fail its
    /// waiters) until the front door closes. Until they have, the server may briefly see both limits' worth.
    /// </summary>
    private ConcurrencyLimiter Permits
    {
        get
        {
            var options = _options();
            var wanted = (options.MaxConcurrentRequests, options.QueueLimit);
            lock (_lock)
            {
                if (wanted != _permitsFor)
                {
                    _retired.Add(_permits);
                    _permits = NewPermits(wanted);
                    _permitsFor = wanted;
                }
                return _permits;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => Permits.GetStatistics();

    /// <summary>The fast path: a free permit and a server that is up. Anything else goes on to AcquireAsync.</summary>
    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        if (!_status.Current.IsServing || _shutdown.IsCancellationRequested)
            return NotYetLease.Instance;
        var lease = Permits.AttemptAcquire(permitCount);
        if (lease.IsAcquired)
            _stats.Admitted(TimeSpan.Zero);
        return lease;
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken)
    {
        var snapshot = _status.Current;
        if (snapshot.State == SupervisorState.CircuitOpen)
            return Refusals.CircuitOpen(snapshot, _time.GetUtcNow());
        if (_shutdown.IsCancellationRequested)
            return Refusals.ShuttingDown();

        var arrived = _time.GetTimestamp();
        using var deadline = new CancellationTokenSource(QueueTimeout, _time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token, _shutdown);

        RateLimitLease lease;
        _stats.EnterQueue();
        try
        {
            lease = await Permits.AcquireAsync(permitCount, wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return TimedOut();
        }
        catch (OperationCanceledException)
        {
            _stats.Abandoned();
            throw;
        }
        finally
        {
            _stats.LeaveQueue();
        }

        if (!lease.IsAcquired)
        {
            lease.Dispose();
            return Refusals.QueueFull();
        }

        if (!_status.Current.IsServing)
        {
            _stats.EnterServerWait();
            try
            {
                snapshot = await _status.WaitForAsync(static s => s.IsServing || s.State == SupervisorState.CircuitOpen, wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lease.Dispose();
                return TimedOut();
            }
            catch (OperationCanceledException)
            {
                lease.Dispose();
                _stats.Abandoned();
                throw;
            }
            finally
            {
                _stats.LeaveServerWait();
            }

            if (!snapshot.IsServing)
            {
                lease.Dispose();
                return Refusals.CircuitOpen(snapshot, _time.GetUtcNow());
            }
        }

        _stats.Admitted(_time.GetElapsedTime(arrived));
        return lease;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var permits in _retired.Append(_permits))
                permits.Dispose();
        }
        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        foreach (var permits in _retired.Append(_permits))
            await permits.DisposeAsync();
        await base.DisposeAsyncCore();
    }

    private RejectedLease TimedOut() => _shutdown.IsCancellationRequested ? Refusals.ShuttingDown() : Refusals.QueueTimeout(QueueTimeout);
}
