namespace MlxSupervisor.Deploy.Tests.Infrastructure;

/// <summary>Finds programs on the PATH of the test run.</summary>
internal static class Tools
{
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(path => File.Exists(path) && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0);
}

/// <summary>A fact that is skipped, with the reason, where the tool it runs is not installed.</summary>
public sealed class FactNeedingToolAttribute : FactAttribute
{
    public FactNeedingToolAttribute(string tool, string whereToGetIt)
    {
        if (Tools.Find(tool) is null)
            Skip = $"{tool} is not installed ({whereToGetIt})";
    }
}

/// <summary>A fact that is skipped on macOS, where the installer would act on the real launchd.</summary>
public sealed class FactOffMacAttribute : FactAttribute
{
    public FactOffMacAttribute(string whyNotOnMac)
    {
        if (OperatingSystem.IsMacOS())
            Skip = whyNotOnMac;
    }
}
