using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace MlxSupervisor.Ledger;

/// <summary>
/// <c>footprints.json</c> in the state directory: each server's peak footprint in its last run, which is its
/// estimate for the next start, across daemon restarts too (issue 13, "The memory ledger"). Read once, when made;
/// written whole at every change. Shared by every unit of the fleet, so each call takes a lock.
/// </summary>
/// <remarks>
/// The file is a hint, never a reason to fail: missing, it is no record; unreadable or corrupt, it is no record and
/// one warning; a failed write keeps the figure in memory and warns once until a write succeeds again.
/// </remarks>
public sealed partial class PeakFootprintStore
{
    public const string FileName = "footprints.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _peaks;
    private readonly ILogger _logger;
    private bool _writeFailing;

    /// <summary>Reads the file in <paramref name="directory"/>, if there is one.</summary>
    public PeakFootprintStore(string directory, ILogger logger)
    {
        Path = System.IO.Path.Combine(directory, FileName);
        _logger = logger;
        _peaks = Read();
    }

    public string Path { get; }

    /// <returns>The peak recorded for <paramref name="name"/>'s last run; null when there is none.</returns>
    public long? PeakOf(string name)
    {
        lock (_lock)
            return _peaks.TryGetValue(name, out var peak) ? peak : null;
    }

    /// <summary>Keeps <paramref name="peak"/> as <paramref name="name"/>'s peak, replacing the last run's: called
    /// when a life of the server ends. A peak that is not positive was never measured and is not kept.</summary>
    public void Record(string name, long peak)
    {
        if (peak <= 0)
            return;
        lock (_lock)
        {
            if (_peaks.TryGetValue(name, out var known) && known == peak)
                return;
            _peaks[name] = peak;
            Write_NeedsLock();
        }
    }

    public void Forget(string name)
    {
        lock (_lock)
        {
            if (_peaks.Remove(name))
                Write_NeedsLock();
        }
    }

    /// <summary>Drops the peaks of servers no longer configured (after start-up or a reload).</summary>
    public void Retain(IReadOnlyCollection<string> configured)
    {
        lock (_lock)
        {
            var gone = _peaks.Keys.Where(name => !configured.Contains(name)).ToList();
            foreach (var name in gone)
                _peaks.Remove(name);
            if (gone.Count > 0)
                Write_NeedsLock();
        }
    }

    private Dictionary<string, long> Read()
    {
        try
        {
            if (!File.Exists(Path))
                return new(StringComparer.Ordinal);
            var file = JsonSerializer.Deserialize<FootprintsFile>(File.ReadAllText(Path), Json)
                ?? throw new JsonException("the file holds null");
            return new((file.PeakBytes ?? new(StringComparer.Ordinal)).Where(p => p.Value > 0), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            Log.Unreadable(_logger, Path, e.Message);
            return new(StringComparer.Ordinal);
        }
    }

    /// <summary>Written beside the file, then renamed over it, so a crash never leaves half a record.</summary>
    private void Write_NeedsLock()
    {
        var temporary = Path + ".tmp";
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            File.WriteAllText(temporary, JsonSerializer.Serialize(new FootprintsFile(new SortedDictionary<string, long>(_peaks, StringComparer.Ordinal)), Json));
            File.Move(temporary, Path, overwrite: true);
            _writeFailing = false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            if (!_writeFailing)
                Log.Unwritable(_logger, Path, e.Message);
            _writeFailing = true;
        }
    }

    /// <param name="PeakBytes">Server name to the peak footprint of its last run, in bytes.</param>
    private sealed record FootprintsFile(SortedDictionary<string, long>? PeakBytes);

    private static partial class Log
    {
        [LoggerMessage(EventId = 130, EventName = "FootprintsUnreadable", Level = LogLevel.Warning,
            Message = "Ignoring {Path}: {Problem}. Each server's estimate is its MemoryEstimate until it has run again")]
        public static partial void Unreadable(ILogger logger, string path, string problem);

        [LoggerMessage(EventId = 131, EventName = "FootprintsUnwritable", Level = LogLevel.Warning,
            Message = "Could not write {Path}: {Problem}. Peak footprints are kept in memory only until a write succeeds")]
        public static partial void Unwritable(ILogger logger, string path, string problem);
    }
}
