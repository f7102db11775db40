namespace MlxSupervisor.Bench.Subjects;

/// <summary>Where the programs under test are: the apphosts the build copies beside the bench, and supervisord.</summary>
internal sealed class BenchPaths
{
    private BenchPaths(string repoRoot, string binDirectory, string? supervisord)
    {
        RepoRoot = repoRoot;
        BinDirectory = binDirectory;
        Supervisord = supervisord;
    }

    public string RepoRoot { get; }

    public string BinDirectory { get; }

    /// <summary>The daemon's apphost, built by the bench's project reference (Release under <c>-c Release</c>).</summary>
    public string Daemon => Path.Combine(BinDirectory, "mlx-supervisor");

    public string SimServer => Path.Combine(BinDirectory, "mlx-sim-server");

    /// <summary>Null when supervisord is not installed.</summary>
    public string? Supervisord { get; }

    /// <summary>
    /// Whether the daemon under test ships a setting, by its key in the appsettings.json beside it: how the bench tells
    /// an older build (<c>--daemon-bin</c>) that lacks a feature, whose scenario is then reported as pending.
    /// </summary>
    public bool Ships(string settingKey)
    {
        var shipped = Path.Combine(BinDirectory, "appsettings.json");
        return File.Exists(shipped) && File.ReadAllText(shipped).Contains($"\"{settingKey}\"", StringComparison.Ordinal);
    }

    /// <param name="daemonDirectory">Another build's output folder to measure (holding mlx-supervisor and mlx-sim-server), or null for the bench's own.</param>
    public static BenchPaths Discover(string? daemonDirectory = null)
    {
        var bin = daemonDirectory is null ? AppContext.BaseDirectory : Path.GetFullPath(daemonDirectory);
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlxSupervisor.sln")))
            dir = dir.Parent;
        var root = dir?.FullName ?? throw new InvalidOperationException("MlxSupervisor.sln not found above " + bin);
        var supervisord = new[] { "/usr/bin/supervisord", "/usr/local/bin/supervisord" }.FirstOrDefault(File.Exists);
        return new BenchPaths(root, bin, supervisord);
    }
}
