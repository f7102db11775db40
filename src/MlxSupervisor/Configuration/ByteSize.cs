using System.Globalization;
using System.Text.RegularExpressions;

namespace MlxSupervisor.Configuration;

/// <summary>Sizes as people write them in settings: "100GB", "512 MB", "1.5GiB". Units are binary: 1 KB = 1024 bytes,
/// as Activity Monitor and <c>free</c> count memory.</summary>
public static partial class ByteSize
{
    private static readonly (string Unit, long Factor)[] Units =
    [
        ("TB", 1L << 40), ("TIB", 1L << 40), ("T", 1L << 40),
        ("GB", 1L << 30), ("GIB", 1L << 30), ("G", 1L << 30),
        ("MB", 1L << 20), ("MIB", 1L << 20), ("M", 1L << 20),
        ("KB", 1L << 10), ("KIB", 1L << 10), ("K", 1L << 10),
        ("B", 1), ("", 1),
    ];

    [GeneratedRegex(@"^\s*(?<number>\d+(\.\d+)?)\s*(?<unit>[A-Za-z]*)\s*$")]
    private static partial Regex Pattern();

    /// <returns>False for text that is not a positive size; null or blank text is "unset" and also false.</returns>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text) || Pattern().Match(text) is not { Success: true } match)
            return false;
        var unit = match.Groups["unit"].Value.ToUpperInvariant();
        var factor = Units.FirstOrDefault(u => u.Unit == unit).Factor;
        if (factor == 0 || !double.TryParse(match.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return false;
        var value = number * factor;
        if (value < 1 || value > long.MaxValue)
            return false;
        bytes = (long)value;
        return true;
    }

    /// <summary>"2.1 GB", "512 MB": one decimal, the largest unit that keeps the number at 1 or more.</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 40 => $"{bytes / (double)(1L << 40):0.#} TB",
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.#} GB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.#} MB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.#} KB",
        _ => $"{bytes} B",
    };
}
