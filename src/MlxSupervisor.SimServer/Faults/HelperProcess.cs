using System.Diagnostics;
using MlxSupervisor.SimServer.Output;

namespace MlxSupervisor.SimServer.Faults;

/// <summary>
/// <c>--spawn-helper</c>: starts a grandchild-to-be that shares our stdout and stderr and outlives us, like
/// the resource-tracker process Python's multiprocessing leaves behind. It keeps the supervisor's pipes open
/// after the server dies, and it is what the supervisor's process-tree cleanup must find and kill.
/// </summary>
internal sealed class HelperProcess(bool helperIgnoresSigterm, SimConsole console)
{
    public const string HelperFlag = "--helper";

    public void Start()
    {
        // No redirection and no shell: the helper inherits our stdout/stderr descriptors as they are.
        var startInfo = new ProcessStartInfo(ResolveExecutable(out var dll)) { UseShellExecute = false };
        if (dll is not null)
            startInfo.ArgumentList.Add(dll);
        startInfo.ArgumentList.Add(HelperFlag);
        if (helperIgnoresSigterm)
            startInfo.ArgumentList.Add("--helper-ignores-sigterm");

        // Disposing the Process object only releases our handle; the child lives on and is never waited for.
        using var helper = Process.Start(startInfo)
            ?? throw new InvalidOperationException("the helper process did not start");
        console.WriteLine($"sim: helper pid={helper.Id}");
    }

    /// <summary>Re-executes this program: through its apphost, or through <c>dotnet</c> with our dll.</summary>
    private static string ResolveExecutable(out string? dll)
    {
        var processPath = Environment.ProcessPath
            ?? throw new InvalidOperationException("cannot tell which executable to re-run for the helper");
        var isDotnetHost = Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        // Assembly.Location is empty in a single-file build; the dll sits beside the app otherwise.
        dll = isDotnetHost ? Path.Combine(AppContext.BaseDirectory, "mlx-sim-server.dll") : null;
        return processPath;
    }
}
