namespace MlxSupervisor.Bench.Load;

/// <summary>
/// The Lua script every wrk run gets: the request (GET, or a POST with a JSON body) and a <c>done</c> hook that prints
/// the run's exact figures on one line (<see cref="WrkResult"/>). Latencies are wrk's, in microseconds: from writing a
/// request to reading its whole response, on a connection that sends its next request only then.
/// </summary>
internal static class WrkScript
{
    /// <param name="jsonBody">A POST's body, or null for a GET.</param>
    public static string Text(string? jsonBody)
    {
        // A long bracket holds the JSON as it is; it cannot contain the closing bracket, which no JSON of ours does.
        var request = jsonBody is null ? "" : $"""
            wrk.method = "POST"
            wrk.body = [==[{jsonBody}]==]
            wrk.headers["Content-Type"] = "application/json"

            """;
        return $$"""
            -- Written by mlx-supervisor-bench for one run.
            {{request}}done = function(summary, latency, requests)
              local e = summary.errors
              io.write(string.format("{{WrkResult.Mark}} requests=%d duration_us=%d mean_us=%.3f p50_us=%.3f p90_us=%.3f p99_us=%.3f max_us=%.3f connect=%d read=%d write=%d status=%d timeout=%d\n",
                summary.requests, summary.duration, latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
                e.connect, e.read, e.write, e.status, e.timeout))
            end

            """;
    }
}
