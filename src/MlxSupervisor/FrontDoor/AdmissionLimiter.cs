using System.Threading.RateLimiting;
using MlxSupervisor.Configuration;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.FrontDoor;

/// <summary>
/// Who may reach the server, as the global limiter of the framework's rate limiting middleware: a FIFO
/// <see cref="ConcurrencyLimiter"/> of Proxy:MaxConcurrentRequests permits with a queue of Proxy:QueueLimit, and then,
/// permit in hand, a wait for the server to be up. Both waits share one deadline, Proxy:QueueTimeout from arrival, so a
/// request held through a restart waits in the same queue, in the same order, as one held by load.
/// </summary>
/// <remarks>
/// The middleware passes HttpContext.RequestAborted to <see cref="AcquireAsyncCore"/>, and ConcurrencyLimiter drops a
/// cancelled waiter from its queue at once: a client that leaves while queued never reaches the server.
/// </remarks>
internal sealed class AdmissionLimiter : PartitionedRateLimiter<HttpContext>
{
    private readonly ConcurrencyLimiter _permits;
    private readonly SupervisorStatus _status;
    private readonly FrontDoorStatistics _stats;
    private readonly TimeProvider _time;
    private readonly TimeSpan _queueTimeout;
    private readonly CancellationToken _shutdown;

    public AdmissionLimiter(ProxyOptions options, SupervisorStatus status, FrontDoorStatistics stats, TimeProvider time, CancellationToken shutdown)
    {
        _permits = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrentRequests,
            QueueLimit = options.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _status = status;
        _stats = stats;
        _time = time;
        _queueTimeout = options.QueueTimeout;
        _shutdown = shutdown;
    }

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => _permits.GetStatistics();

    /// <summary>The fast path: a free permit and a server that is up. Anything else goes on to AcquireAsync.</summary>
    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        if (!_status.Current.IsServing || _shutdown.IsCancellationRequested)
            return NotYetLease.Instance;
        var lease = _permits.AttemptAcquire(permitCount);
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
        using var deadline = new CancellationTokenSource(_queueTimeout, _time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token, _shutdown);

        RateLimitLease lease;
        _stats.EnterQueue();
        try
        {
            lease = await _permits.AcquireAsync(permitCount, wait.Token);
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
            _permits.Dispose();
        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await _permits.DisposeAsync();
        await base.DisposeAsyncCore();
    }

    private RejectedLease TimedOut() => _shutdown.IsCancellationRequested ? Refusals.ShuttingDown() : Refusals.QueueTimeout(_queueTimeout);
}
