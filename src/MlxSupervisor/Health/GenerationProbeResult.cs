namespace MlxSupervisor.Health;

/// <summary>One generation probe: did a first token come?</summary>
/// <param name="Failure">Why not ("no token within 30 s", "HTTP 404: model not found", "connection refused"); null when it passed.</param>
/// <param name="StatusCode">The server's HTTP status when it answered with one that is not 2xx: it says it cannot generate.</param>
public sealed record GenerationProbeResult(bool Passed, TimeSpan Took, string? Failure, int? StatusCode = null, bool TimedOut = false)
{
    public static GenerationProbeResult Ok(TimeSpan took) => new(true, took, null);

    public static GenerationProbeResult Failed(TimeSpan took, string failure) => new(false, took, failure);

    public static GenerationProbeResult Refused(TimeSpan took, int status, string failure) => new(false, took, failure, status);

    public static GenerationProbeResult NoToken(TimeSpan timeout) =>
        new(false, timeout, $"no token within {timeout.TotalSeconds:0.###} s", TimedOut: true);

    /// <summary>The server answered 4xx or 5xx: during startup, the model failed to load (mlx_lm.server answers 404 with the reason).</summary>
    public bool WasRefused => StatusCode is not null;
}
