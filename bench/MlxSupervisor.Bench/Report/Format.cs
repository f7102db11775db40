using System.Globalization;

namespace MlxSupervisor.Bench.Report;

/// <summary>How the report writes numbers: invariant culture, units spelled out.</summary>
internal static class Format
{
    // A figure that rounds to zero is written 0, never "-0".
    public static string Ms(double ms) => double.IsNaN(ms) ? "–" : (Math.Abs(ms) < 0.5 ? 0 : ms).ToString("0", CultureInfo.InvariantCulture) + " ms";

    public static string Ms(double? ms) => ms is { } v ? Ms(v) : "–";

    /// <summary>Sub-millisecond figures (request latencies) to two decimals.</summary>
    public static string Precise(double ms) => double.IsNaN(ms) ? "–" : ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms";

    public static string SignedPrecise(double ms) => double.IsNaN(ms) ? "–" : ms.ToString("+0.00;−0.00;0.00", CultureInfo.InvariantCulture) + " ms";

    public static string SignedMs(double? ms) => ms is { } v ? v.ToString("+0;−0;0", CultureInfo.InvariantCulture) + " ms" : "–";

    public static string S(double seconds) => seconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    public static string S(double? seconds) => seconds is { } v ? S(v) : "–";

    /// <summary>A setting's length in the unit a reader would use: "400 ms", "90 s", "6 min".</summary>
    public static string Duration(TimeSpan span) =>
        span < TimeSpan.FromSeconds(1) ? Ms(span.TotalMilliseconds)
        : span < TimeSpan.FromMinutes(2) ? Number(span.TotalSeconds, "0.#") + " s"
        : Number(span.TotalMinutes, "0.#") + " min";

    public static string Ratio(double ratio) => double.IsNaN(ratio) || double.IsInfinity(ratio) ? "–" : ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    public static string Number(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>"1 round", "4 rounds".</summary>
    public static string Plural(int count, string noun) =>
        $"{count.ToString(CultureInfo.InvariantCulture)} {noun}{(count == 1 ? "" : "s")}";

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
