namespace MlxSupervisor.Configuration;

/// <summary>
/// The generation probe, a canary that asks the server for one token: <c>Supervisor:Health:Generation</c>. mlx_lm.server's
/// generation thread can die or hang while /health and /v1/models go on answering 200 (mlx-lm #1505, #1672, #1834,
/// #1909); only asking it to generate tells.
/// </summary>
public sealed class GenerationProbeOptions
{
    /// <summary>False: no generation probes, and <c>Readiness: "Generation"</c> acts as <c>"Health"</c>.</summary>
    /// <value>Default: true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>The path POSTed to on the server's address (that of <c>Health:Url</c>); a path ending in
    /// <c>/completions</c> without <c>chat</c> is sent a prompt instead of messages.</summary>
    /// <value>Default: <c>/v1/chat/completions</c>.</value>
    public string? Path { get; set; } = "/v1/chat/completions";

    /// <summary>The <c>model</c> field of the probe; null leaves it out, so the server uses its default model.</summary>
    /// <value>Default: null.</value>
    public string? Model { get; set; }

    /// <summary>How long the first token may take while the server is Running. During startup the probe may take
    /// what is left of <c>Health:StartupTimeout</c>, since the model loads before the first token.</summary>
    /// <value>Default: 30 s.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A probe is sent once the server has been idle this long: no client request in flight, and none has
    /// received a byte from the server in that time. Client traffic that gets bytes is proof of life.</summary>
    /// <value>Default: 5 min (the 4-token probe every 5 minutes reported as a workaround in mlx-lm #1493).</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);
}
