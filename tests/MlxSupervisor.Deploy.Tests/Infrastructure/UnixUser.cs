using System.Diagnostics;
using System.Globalization;

namespace MlxSupervisor.Deploy.Tests.Infrastructure;

internal static class UnixUser
{
    /// <summary>The uid of the test run, which names the LaunchAgent's gui/UID domain.</summary>
    public static int Id { get; } = ReadId();

    private static int ReadId()
    {
        var start = new ProcessStartInfo("id", "-u") { RedirectStandardOutput = true };
        using var id = Process.Start(start)!;
        var output = id.StandardOutput.ReadToEnd();
        id.WaitForExit();
        return int.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }
}
