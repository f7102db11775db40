using System.Text.Json;

namespace MlxSupervisor.Bench;

/// <summary>
/// Every raw figure of a run, written beside the report as benchmarks.json, so the report and the charts can be
/// drawn again from it (<c>--report-from</c>) without measuring again.
/// </summary>
internal static class ResultsFile
{
    public const string FileName = "benchmarks.json";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static async Task WriteAsync(BenchResults results, string path) =>
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(results, Options));

    public static async Task<BenchResults> ReadAsync(string path) =>
        JsonSerializer.Deserialize<BenchResults>(await File.ReadAllTextAsync(path), Options)
        ?? throw new InvalidDataException($"{path} holds no results");
}
