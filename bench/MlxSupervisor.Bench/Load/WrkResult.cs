using System.Globalization;

namespace MlxSupervisor.Bench.Load;

/// <summary>
/// One wrk run's figures, exact, as the bench's Lua <c>done</c> hook prints them (<see cref="WrkScript"/>): wrk's own
/// text rounds latencies to two digits and its units change with their size.
/// </summary>
/// <param name="DurationUs">The run's wall time, as wrk measured it.</param>
/// <param name="Errors">Connect, read, write and timeout errors, and responses that were not 2xx or 3xx (wrk's "status").</param>
internal sealed record WrkResult(long Requests, long DurationUs, double MeanUs, double P50Us, double P90Us, double P99Us, double MaxUs, long Errors)
{
    /// <summary>The line's first word, so the bench finds it among wrk's own output.</summary>
    public const string Mark = "wrk-result";

    public double RequestsPerSecond => DurationUs <= 0 ? double.NaN : Requests / (DurationUs / 1e6);

    /// <returns>The figures of the first <see cref="Mark"/> line, or null when there is none or it lacks a field.</returns>
    public static WrkResult? Parse(IEnumerable<string> output)
    {
        foreach (var line in output)
        {
            var words = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0 || words[0] != Mark)
                continue;
            var fields = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var word in words.Skip(1))
            {
                var equals = word.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0 && double.TryParse(word[(equals + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    fields[word[..equals]] = value;
            }
            string[] needed = ["requests", "duration_us", "mean_us", "p50_us", "p90_us", "p99_us", "max_us", "connect", "read", "write", "status", "timeout"];
            if (needed.Any(k => !fields.ContainsKey(k)))
                return null;
            var errors = (long)(fields["connect"] + fields["read"] + fields["write"] + fields["status"] + fields["timeout"]);
            return new WrkResult((long)fields["requests"], (long)fields["duration_us"], fields["mean_us"], fields["p50_us"], fields["p90_us"],
                fields["p99_us"], fields["max_us"], errors);
        }
        return null;
    }
}
