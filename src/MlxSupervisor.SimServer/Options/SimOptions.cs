namespace MlxSupervisor.SimServer.Options;

/// <summary>
/// Everything the simulated server was asked to do, as one immutable value.
/// Each property maps to one flag and one <c>MLXSIM_*</c> environment variable (see <see cref="SimFlags"/>).
/// </summary>
internal sealed record SimOptions
{
    /// <summary>Address to bind.</summary>
    /// <value>Defaults to <c>127.0.0.1</c>.</value>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port to bind; 0 lets the OS pick one (the listening line reports it).</summary>
    /// <value>Defaults to 8081.</value>
    public int Port { get; init; } = 8081;

    /// <summary>Model id reported by <c>/v1/models</c> and used when a request names none.</summary>
    /// <value>Defaults to <c>sim-model</c>.</value>
    public string Model { get; init; } = "sim-model";

    /// <summary>Tokens generated per request, unless the request's <c>max_tokens</c> is smaller.</summary>
    /// <value>Defaults to 8.</value>
    public int Tokens { get; init; } = 8;

    /// <summary>Delay before each generated token.</summary>
    /// <value>Defaults to 0 ms.</value>
    public int TokenDelayMs { get; init; }

    /// <summary>Sleep before binding the port, like a slow model load.</summary>
    /// <value>Defaults to 0 ms.</value>
    public int StartupDelayMs { get; init; }

    /// <summary>Exit this long after starting to listen.</summary>
    /// <value>Defaults to null: never crash.</value>
    public int? CrashAfterMs { get; init; }

    /// <summary>Exit code of the crash; 129–159 mean "die by signal (code − 128)".</summary>
    /// <value>Defaults to 1.</value>
    public int ExitCode { get; init; } = 1;

    /// <summary>After this long, <c>/health</c> never answers.</summary>
    /// <value>Defaults to null: health never hangs.</value>
    public int? HangHealthAfterMs { get; init; }

    /// <summary>Status code <c>/health</c> answers with instead of 200.</summary>
    /// <value>Defaults to null: 200.</value>
    public int? HealthStatus { get; init; }

    /// <summary>When <see cref="HealthStatus"/> starts to apply, after starting to listen.</summary>
    /// <value>Defaults to 0 ms.</value>
    public int HealthStatusAfterMs { get; init; }

    /// <summary>Ignore SIGTERM and SIGINT.</summary>
    /// <value>Defaults to false.</value>
    public bool IgnoreSigterm { get; init; }

    /// <summary>Start a helper child that outlives this process.</summary>
    /// <value>Defaults to false.</value>
    public bool SpawnHelper { get; init; }

    /// <summary>The helper child ignores SIGTERM and SIGINT too.</summary>
    /// <value>Defaults to false.</value>
    public bool HelperIgnoresSigterm { get; init; }

    /// <summary>Run as the helper child (hidden; set by <see cref="SpawnHelper"/>).</summary>
    /// <value>Defaults to false.</value>
    public bool HelperMode { get; init; }

    /// <summary>Numbered stdout lines written as fast as possible right after listening.</summary>
    /// <value>Defaults to 0.</value>
    public int FloodLines { get; init; }

    /// <summary>More generation requests in flight than this and the process SIGKILLs itself.</summary>
    /// <value>Defaults to null: no limit.</value>
    public int? MaxInFlight { get; init; }

    /// <summary><c>/health</c> waits while any generation request is in flight.</summary>
    /// <value>Defaults to false.</value>
    public bool HealthBlocksWhileGenerating { get; init; }

    /// <summary>Generation sends this many tokens and then stalls forever.</summary>
    /// <value>Defaults to null: never stalls.</value>
    public int? StallAfterTokens { get; init; }

    /// <summary>
    /// Each streamed chunk carries <c>sim_written_at</c>, <see cref="TimeProvider.GetTimestamp"/> taken as the chunk
    /// is serialized, right before it is written and flushed. On Linux that is CLOCK_MONOTONIC in nanoseconds, the
    /// same clock in every process, so a client on the same machine can tell how long the chunk took to reach it
    /// (the benchmark's per-chunk latency, issue 14).
    /// </summary>
    /// <value>Defaults to false.</value>
    public bool StampChunks { get; init; }

    /// <summary>Megabytes to allocate, touch and hold.</summary>
    /// <value>Defaults to 0.</value>
    public int AllocateMb { get; init; }

    /// <summary>When to allocate <see cref="AllocateMb"/>, after starting to listen.</summary>
    /// <value>Defaults to 0 ms.</value>
    public int AllocateAfterMs { get; init; }

    /// <summary>Interval of a heartbeat line on stdout.</summary>
    /// <value>Defaults to null: no heartbeat.</value>
    public int? StdoutLineEveryMs { get; init; }

    /// <summary>
    /// How long the model loads after the port opened. <c>mlx_lm.server</c> 0.31.3 and later answers
    /// <c>/health</c> at once and loads in its generation thread; completions wait until it has loaded.
    /// </summary>
    /// <value>Defaults to 0 ms: loaded at once.</value>
    public int LoadMs { get; init; }

    /// <summary>The model never finishes loading: every completion waits forever, <c>/health</c> stays 200.</summary>
    /// <value>Defaults to false.</value>
    public bool NeverLoads { get; init; }

    /// <summary>The load fails with this reason; completions are answered 404 <c>{"error": reason}</c>.</summary>
    /// <value>Defaults to null: the load succeeds.</value>
    public string? LoadFails { get; init; }

    /// <summary>
    /// The generation thread dies after this many completed completions (0: as soon as the model has loaded).
    /// Every later completion hangs without a byte while <c>/health</c> and <c>/v1/models</c> stay 200.
    /// </summary>
    /// <value>Defaults to null: it never dies.</value>
    public int? GenerationDiesAfter { get; init; }

    /// <summary>The generation thread dies without printing its traceback (mlx-lm #1834, #1493).</summary>
    /// <value>Defaults to false.</value>
    public bool SilentDeath { get; init; }

    /// <summary>The N-th completion request to arrive makes Metal run out of memory: the process aborts (SIGABRT).</summary>
    /// <value>Defaults to null: never.</value>
    public int? MetalOomAtRequest { get; init; }

    /// <summary>A non-streamed completion sends its headers and half of its JSON, then the process dies by SIGKILL.</summary>
    /// <value>Defaults to false.</value>
    public bool DieMidAnswer { get; init; }

    /// <summary>
    /// Speak HTTP/1.0 as <c>mlx_lm.server</c> does: one request per connection, closed after the response,
    /// streams ended by the close.
    /// </summary>
    /// <value>Defaults to false: Kestrel's HTTP/1.1.</value>
    public bool Http10 { get; init; }

    /// <summary>SSE comments <c>: keepalive i/N</c> a stream gets before its first token, one per token delay.</summary>
    /// <value>Defaults to 0.</value>
    public int KeepaliveComments { get; init; }

    /// <summary>Print the flags and exit.</summary>
    /// <value>Defaults to false.</value>
    public bool ShowHelp { get; init; }
}
