using System.Threading.RateLimiting;

namespace MlxSupervisor.FrontDoor;

/// <summary>A refusal from <see cref="AdmissionLimiter"/>: why, and when to come back.</summary>
internal sealed class RejectedLease(Rejection reason, TimeSpan retryAfter, string message) : RateLimitLease
{
    public Rejection Reason { get; } = reason;

    public TimeSpan RetryAfter { get; } = retryAfter;

    /// <summary>What the client reads in <c>error.message</c>.</summary>
    public string Message { get; } = message;

    public override bool IsAcquired => false;

    public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name, MetadataName.ReasonPhrase.Name];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = metadataName == MetadataName.RetryAfter.Name ? RetryAfter
            : metadataName == MetadataName.ReasonPhrase.Name ? Message
            : null;
        return metadata is not null;
    }
}

/// <summary>"Not on the fast path": <see cref="AdmissionGate"/> then calls <see cref="AdmissionLimiter"/>'s AcquireAsync, which can wait.</summary>
internal sealed class NotYetLease : RateLimitLease
{
    public static readonly NotYetLease Instance = new();

    public override bool IsAcquired => false;

    public override IEnumerable<string> MetadataNames => [];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        return false;
    }
}
