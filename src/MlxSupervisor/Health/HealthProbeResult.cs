namespace MlxSupervisor.Health;

/// <summary>One probe of <c>Health:Url</c>.</summary>
/// <param name="Failure">Why it was not a 2xx ("timeout after 5 s", "HTTP 503", "connection refused"); null when healthy.</param>
public sealed record HealthProbeResult(bool Healthy, TimeSpan Took, string? Failure)
{
    public static HealthProbeResult Ok(TimeSpan took) => new(true, took, null);

    public static HealthProbeResult Failed(TimeSpan took, string failure) => new(false, took, failure);
}
