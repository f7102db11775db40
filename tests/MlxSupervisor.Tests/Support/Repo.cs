namespace MlxSupervisor.Tests.Support;

/// <summary>Paths into the repository and the build output.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string DefaultSettings => Path.Combine(Root, "src", "MlxSupervisor", "appsettings.json");

    /// <summary>The daemon's apphost, copied beside the tests by the project reference.</summary>
    public static string Daemon => Path.Combine(AppContext.BaseDirectory, "mlx-supervisor");

    public static string SimServer => Path.Combine(AppContext.BaseDirectory, "mlx-sim-server");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlxSupervisor.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("MlxSupervisor.sln not found above " + AppContext.BaseDirectory);
    }
}
