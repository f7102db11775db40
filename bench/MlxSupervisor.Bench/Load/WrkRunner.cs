using System.Globalization;
using MlxSupervisor.Bench.Processes;

namespace MlxSupervisor.Bench.Load;

/// <summary>Runs Debian's wrk once against one URL and reads its figures.</summary>
internal sealed class WrkRunner(string wrk, string directory)
{
    private int _scripts;

    /// <summary>Writes a script for <paramref name="jsonBody"/> (or a GET) into the run's folder.</summary>
    public string Script(string? jsonBody)
    {
        var path = Path.Combine(directory, $"wrk-{Interlocked.Increment(ref _scripts).ToString(CultureInfo.InvariantCulture)}.lua");
        File.WriteAllText(path, WrkScript.Text(jsonBody));
        return path;
    }

    /// <summary>
    /// wrk's own threads: one per connection up to the number of cores. More threads than cores would only take turns
    /// on them; fewer would leave a core idle that the subjects then have to themselves.
    /// </summary>
    public static int Threads(int connections) => Math.Min(connections, Environment.ProcessorCount);

    public static string[] Arguments(string script, Uri url, int connections, TimeSpan duration) =>
    [
        "-t", Threads(connections).ToString(CultureInfo.InvariantCulture),
        "-c", connections.ToString(CultureInfo.InvariantCulture),
        "-d", $"{Math.Max(1, (int)Math.Round(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}s",
        "--timeout", "5s",
        "--latency",
        "-s", script,
        url.ToString(),
    ];

    public async Task<WrkResult> RunAsync(string script, Uri url, int connections, TimeSpan duration)
    {
        var lines = new List<string>();
        var arguments = Arguments(script, url, connections, duration);
        void Keep(string line, DateTimeOffset _)
        {
            lock (lines)
                lines.Add(line);
        }
        var process = ChildProcess.Start(wrk, arguments, null, Keep, Keep);
        int? exit;
        try
        {
            exit = await process.WaitForExitAsync(duration + TimeSpan.FromSeconds(20));
        }
        finally
        {
            // Also waits for the pipes to be read to their end, so the done hook's line is in.
            await process.DisposeAsync();
        }
        lock (lines)
        {
            return WrkResult.Parse(lines) ?? throw new InvalidOperationException(
                $"wrk {string.Join(' ', arguments)} gave no figures (exit {exit?.ToString(CultureInfo.InvariantCulture) ?? "none in time"}):\n{string.Join('\n', lines.TakeLast(20))}");
        }
    }
}
