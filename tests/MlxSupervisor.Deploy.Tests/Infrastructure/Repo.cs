namespace MlxSupervisor.Deploy.Tests.Infrastructure;

/// <summary>The repository the specs run from: the folder holding MlxSupervisor.sln above the test output.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlxSupervisor.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No MlxSupervisor.sln above {AppContext.BaseDirectory}.");
    }
}
