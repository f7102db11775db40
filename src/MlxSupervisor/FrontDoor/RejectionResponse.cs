namespace MlxSupervisor.FrontDoor;

/// <summary>Writes a refusal: 429 or 503, Retry-After, and an OpenAI error body.</summary>
internal static class RejectionResponse
{
    public static Task WriteAsync(HttpContext context, RejectedLease refusal, FrontDoorStatistics stats)
    {
        stats.Rejected(refusal.Reason);
        return OpenAiError.WriteAsync(context.Response, refusal.Reason.StatusCode(), refusal.Message, refusal.Reason.ErrorType(),
            refusal.Reason.Code(), refusal.RetryAfter, context.RequestAborted);
    }
}
