namespace MlxSupervisor.Bench.Subjects;

/// <summary>Where the programs under test are: the apphosts the build copies beside the bench, and supervisord.</summary>
internal sealed class BenchPaths
{
    private BenchPaths(string repoRoot, string binDirectory, string? supervisord, string? nginx, string? wrk)
    {
        RepoRoot = repoRoot;
        BinDirectory = binDirectory;
        Supervisord = supervisord;
        Nginx = nginx;
        Wrk = wrk;
    }

    public string RepoRoot { get; }

    public string BinDirectory { get; }

    /// <summary>The daemon's apphost, built by the bench's project reference (Release under <c>-c Release</c>).</summary>
    public string Daemon => Path.Combine(BinDirectory, "mlx-supervisor");

    public string SimServer => Path.Combine(BinDirectory, "mlx-sim-server");

    /// <summary>Null when supervisord is not installed.</summary>
    public string? Supervisord { get; }

    /// <summary>Debian's nginx (package <c>nginx</c>), the front door's peer (issue 14); null when not installed.</summary>
    public string? Nginx { get; }

    /// <summary>Debian's wrk (package <c>wrk</c>), the HTTP load generator; null when not installed.</summary>
    public string? Wrk { get; }

    /// <summary>What a scenario that needs nginx and wrk lacks, as one line naming the Debian packages; null when both are there.</summary>
    public string? MissingForHttpLoad(bool needsNginx) => MissingForHttpLoad(needsNginx ? Nginx : "", Wrk);

    /// <param name="nginx">nginx's path, null when missing, or anything but null when it is not needed.</param>
    internal static string? MissingForHttpLoad(string? nginx, string? wrk)
    {
        var missing = new List<string>();
        if (nginx is null)
            missing.Add("nginx");
        if (wrk is null)
            missing.Add("wrk");
        return missing.Count == 0 ? null : $"needs {string.Join(" and ", missing)}, not installed here (Debian: apt-get install -y {string.Join(' ', missing)})";
    }

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
        return new BenchPaths(root, bin, supervisord, Find("nginx"), Find("wrk"));
    }

    /// <summary>A program on PATH, or in the sbin folders a non-root PATH may lack (Debian puts nginx in /usr/sbin).</summary>
    private static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"])
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
