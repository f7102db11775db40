using System.Net;

namespace MlxSupervisor.SimServer.Options;

/// <summary>The table of every flag the simulated server understands, in the order help lists them.</summary>
internal static class SimFlags
{
    private const int MaxMs = int.MaxValue;

    public static IReadOnlyList<SimFlag> All { get; } =
    [
        SimFlag.Text("--host", "IP address or localhost to bind (default 127.0.0.1)", (o, v) => o with { Host = v },
            ValidateHost),
        SimFlag.Int("--port", "port to bind, 0 = any free port (default 8081)", 0, 65535, (o, v) => o with { Port = v }),
        SimFlag.Text("--model", "model id to report (default sim-model)", (o, v) => o with { Model = v }),
        SimFlag.Int("--tokens", "tokens per completion unless max_tokens is smaller (default 8)", 0, 1_000_000,
            (o, v) => o with { Tokens = v }),
        SimFlag.Int("--token-delay-ms", "delay before each token (default 0)", 0, MaxMs, (o, v) => o with { TokenDelayMs = v }),
        SimFlag.Int("--startup-delay-ms", "sleep before listening, like a slow model load", 0, MaxMs,
            (o, v) => o with { StartupDelayMs = v }),
        SimFlag.Int("--load-ms", "listen and answer /health 200 at once, but load the model for this long; completions wait for it",
            0, MaxMs, (o, v) => o with { LoadMs = v }),
        SimFlag.Switch("--never-loads", "the model never loads: completions wait forever, /health stays 200",
            o => o with { NeverLoads = true }),
        SimFlag.Text("--load-fails", "the load fails with this reason: completions get 404 {\"error\": reason}",
            (o, v) => o with { LoadFails = v }),
        SimFlag.Int("--generation-dies-after", "the generation thread dies after this many completions (0 = once loaded), "
            + "printing a Python traceback; later completions hang without a byte, /health stays 200", 0, int.MaxValue,
            (o, v) => o with { GenerationDiesAfter = v }),
        SimFlag.Switch("--silent-death", "with --generation-dies-after: die without printing anything",
            o => o with { SilentDeath = true }),
        SimFlag.Int("--metal-oom-at-request", "abort (SIGABRT, exit 134) with Metal's out-of-memory line when the "
            + "n-th completion request arrives", 1, int.MaxValue, (o, v) => o with { MetalOomAtRequest = v }),
        SimFlag.Switch("--die-mid-answer", "a non-streamed completion sends half of its JSON, then I die by SIGKILL",
            o => o with { DieMidAnswer = true }),
        SimFlag.Switch("--http10", "speak HTTP/1.0 like mlx_lm.server: one request per connection, streams end at the close",
            o => o with { Http10 = true }),
        SimFlag.Int("--keepalive-comments", "send this many ': keepalive i/n' comments before a stream's first token, "
            + "one per --token-delay-ms", 0, 1_000_000, (o, v) => o with { KeepaliveComments = v }),
        SimFlag.Int("--crash-after-ms", "exit this long after starting to listen", 0, MaxMs, (o, v) => o with { CrashAfterMs = v }),
        SimFlag.Int("--exit-code", "exit code of the crash; 129-159 = kill myself with signal (code-128) (default 1)", 0, 255,
            (o, v) => o with { ExitCode = v }),
        SimFlag.Int("--hang-health-after-ms", "after this long /health never answers (0 = from the start)", 0, MaxMs,
            (o, v) => o with { HangHealthAfterMs = v }),
        SimFlag.Int("--health-status", "status code /health answers with, e.g. 503", 100, 599, (o, v) => o with { HealthStatus = v }),
        SimFlag.Int("--health-status-after-ms", "when --health-status starts to apply (default 0)", 0, MaxMs,
            (o, v) => o with { HealthStatusAfterMs = v }),
        SimFlag.Switch("--ignore-sigterm", "ignore SIGTERM and SIGINT", o => o with { IgnoreSigterm = true }),
        SimFlag.Switch("--spawn-helper", "start a helper child that outlives me and shares my stdout/stderr",
            o => o with { SpawnHelper = true }),
        SimFlag.Switch("--helper-ignores-sigterm", "the helper child ignores SIGTERM and SIGINT too",
            o => o with { HelperIgnoresSigterm = true }),
        SimFlag.Int("--flood-lines", "write this many numbered stdout lines right after listening", 0, 100_000_000,
            (o, v) => o with { FloodLines = v }),
        SimFlag.Int("--max-in-flight", "SIGKILL myself when more generation requests than this are in flight", 0, int.MaxValue,
            (o, v) => o with { MaxInFlight = v }),
        SimFlag.Switch("--health-blocks-while-generating", "/health waits while any generation request is in flight",
            o => o with { HealthBlocksWhileGenerating = true }),
        SimFlag.Int("--stall-after-tokens", "send this many tokens, then stall forever", 0, int.MaxValue,
            (o, v) => o with { StallAfterTokens = v }),
        SimFlag.Switch("--stamp-chunks", "each streamed chunk carries sim_written_at: this process's monotonic clock "
            + "(Stopwatch ticks) as the chunk is written, to time what a proxy adds",
            o => o with { StampChunks = true }),
        SimFlag.Int("--allocate-mb", "allocate, touch and hold this many MB", 0, 1_000_000, (o, v) => o with { AllocateMb = v }),
        SimFlag.Int("--allocate-after-ms", "when to allocate --allocate-mb (default 0)", 0, MaxMs,
            (o, v) => o with { AllocateAfterMs = v }),
        SimFlag.Int("--stdout-line-every-ms", "print a heartbeat line to stdout this often", 1, MaxMs,
            (o, v) => o with { StdoutLineEveryMs = v }),
        SimFlag.Switch("--help", "print this help and exit", o => o with { ShowHelp = true }, readsEnvironment: false),
        SimFlag.Switch("--helper", "run as the helper child", o => o with { HelperMode = true }, hidden: true),
    ];

    // Kestrel's Listen takes an IP address (localhost gets ListenLocalhost): fail here with a clear line,
    // not later with a stack trace.
    private static string? ValidateHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host, out _)
            ? null
            : $"expects an IP address or localhost, got '{host}'";
}
