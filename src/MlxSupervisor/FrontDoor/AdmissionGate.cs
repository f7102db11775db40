using System.Threading.RateLimiting;

namespace MlxSupervisor.FrontDoor;

/// <summary>
/// Holds each request at the door until <see cref="AdmissionLimiter"/> lets it through, and answers a refusal with
/// 429 or 503 and Retry-After.
/// </summary>
/// <remarks>
/// This does what the framework's rate limiting middleware does with a global limiter, without the middleware: it
/// always builds a second, per-endpoint PartitionedRateLimiter whose heartbeat timer fires every 100 ms for the life
/// of the app, and never disposes it (dotnet/aspnetcore#66434). On an idle daemon that timer, and the thread pool
/// spinning up to run it, was most of the CPU the daemon used (docs/hardening.md). The limiter itself is still the
/// framework's: AdmissionLimiter is a PartitionedRateLimiter over a ConcurrencyLimiter.
/// </remarks>
internal sealed class AdmissionGate(AdmissionLimiter limiter, FrontDoorStatistics stats)
{
    public async Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        RateLimitLease lease;
        try
        {
            lease = await AcquireAsync(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // The client left while it waited: ConcurrencyLimiter has already dropped it from the queue.
        }

        using (lease)
        {
            if (lease.IsAcquired)
                await next(context);
            else
                await RejectionResponse.WriteAsync(context, lease as RejectedLease ?? Refusals.QueueFull(), stats);
        }
    }

    private ValueTask<RateLimitLease> AcquireAsync(HttpContext context)
    {
        var lease = limiter.AttemptAcquire(context);
        if (lease.IsAcquired)
            return ValueTask.FromResult(lease);
        lease.Dispose();
        return limiter.AcquireAsync(context, permitCount: 1, context.RequestAborted);
    }
}
