namespace MlxSupervisor.Health;

/// <summary>Asks the server for one token. Never throws for a sick server; that is a failed result.</summary>
public interface IGenerationProbe
{
    /// <param name="url">The server's generation endpoint (<c>Health:Generation:Path</c> on the address of <c>Health:Url</c>).</param>
    /// <param name="model">The <c>model</c> field; null leaves it out.</param>
    Task<GenerationProbeResult> ProbeAsync(Uri url, string? model, TimeSpan timeout, CancellationToken cancellationToken);
}
