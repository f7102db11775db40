using Microsoft.AspNetCore.RateLimiting;

namespace MlxSupervisor.FrontDoor;

/// <summary>Writes a refusal: 429 or 503, Retry-After, and an OpenAI error body.</summary>
internal static class RejectionResponse
{
    /// <summary>The rate limiting middleware's OnRejected.</summary>
    public static ValueTask OnRejectedAsync(OnRejectedContext rejected, FrontDoorStatistics stats, CancellationToken cancellationToken) =>
        rejected.Lease is RejectedLease refusal
            ? new ValueTask(WriteAsync(rejected.HttpContext, refusal, stats))
            : new ValueTask(WriteAsync(rejected.HttpContext, Refusals.QueueFull(), stats)); // Not expected: AdmissionLimiter refuses only with its own leases.

    public static Task WriteAsync(HttpContext context, RejectedLease refusal, FrontDoorStatistics stats)
    {
        stats.Rejected(refusal.Reason);
        return OpenAiError.WriteAsync(context.Response, refusal.Reason.StatusCode(), refusal.Message, refusal.Reason.ErrorType(),
            refusal.Reason.Code(), refusal.RetryAfter, context.RequestAborted);
    }
}
