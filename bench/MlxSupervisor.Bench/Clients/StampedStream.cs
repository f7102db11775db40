using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MlxSupervisor.Bench.Clients;

/// <summary>One streamed completion from a sim run with <c>--stamp-chunks</c>, read for each chunk's time on the way.</summary>
internal static class StampedStream
{
    /// <returns>For each chunk, how long after the sim wrote it the bench read it, in milliseconds.</returns>
    /// <exception cref="InvalidOperationException">The stream did not bring one stamped chunk per token and its final chunk.</exception>
    public static async Task<IReadOnlyList<double>> ReadAsync(HttpClient client, int tokens, TimeSpan within)
    {
        var body = $$"""{"model":"sim-model","messages":[{"role":"user","content":"hi"}],"stream":true,"max_tokens":{{tokens.ToString(CultureInfo.InvariantCulture)}}}""";
        using var bound = new CancellationTokenSource(within);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, bound.Token);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(bound.Token);
        var chunks = new StampedChunks();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, bound.Token)) > 0)
            chunks.Feed(buffer.AsSpan(0, read), Stopwatch.GetTimestamp());
        // Each token's chunk and the final one (finish_reason) are stamped; [DONE] is not.
        if (chunks.Chunks.Count != tokens + 1)
            throw new InvalidOperationException($"A stream of {tokens} tokens brought {chunks.Chunks.Count} stamped chunks, not {tokens + 1}: was the sim started with --stamp-chunks?");
        return [.. chunks.Chunks.Select(c => (c.Arrived - c.Written) * 1000.0 / Stopwatch.Frequency)];
    }
}
