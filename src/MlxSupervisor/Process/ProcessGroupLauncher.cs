namespace MlxSupervisor.Process;

/// <summary>
/// Starts the server as the leader of a new process group, so every process it starts can be signalled
/// together and found again after the server itself has died.
/// </summary>
/// <remarks>
/// Options weighed (issue 6):
/// <list type="bullet">
/// <item>A process group survives the death of its leader: orphans reparented to init keep the group id,
/// which walking the tree by parent pid would lose. It works the same on macOS and Linux, and touches
/// nothing outside the group. A child that calls setsid() itself leaves the group; MLX servers don't.</item>
/// <item>PR_SET_CHILD_SUBREAPER is Linux only, and would make the daemon reap every descendant itself.</item>
/// <item>posix_spawn with POSIX_SPAWN_SETPGROUP would mean giving up CliWrap's pipes and doing them by hand.</item>
/// </list>
/// Neither System.Diagnostics.Process nor CliWrap can set the group of a child, and the parent may not do it
/// after the child has exec'd (EACCES), so the daemon starts itself with a hidden verb that calls
/// setpgid(0, 0) and then exec's the server. The pid stays the same through exec, so the pid CliWrap reports
/// is the server's and equals its group id.
/// </remarks>
internal static class ProcessGroupLauncher
{
    public const string Verb = "__exec-in-new-group";

    private const string AppHostName = "mlx-supervisor";

    /// <summary>The command line that runs <paramref name="executable"/> through the launcher.</summary>
    public static (string FileName, IReadOnlyList<string> Arguments) Wrap(string executable, IEnumerable<string> arguments)
    {
        var prefix = LauncherPrefix();
        return (prefix[0], [.. prefix.Skip(1), Verb, executable, .. arguments]);
    }

    /// <summary>Runs in the launched process: becomes a group leader and turns into the server.</summary>
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine($"mlx-supervisor: {Verb} needs the server's path");
            return 2;
        }

        var error = NativeMethods.SetOwnProcessGroup();
        if (error != 0)
            Console.Error.WriteLine($"mlx-supervisor: setpgid failed: {NativeMethods.Describe(error)}; the server shares the daemon's group");

        NativeMethods.ResetSignalsForExec();
        error = NativeMethods.Exec(args[0], args);
        Console.Error.WriteLine($"mlx-supervisor: cannot run '{args[0]}': {NativeMethods.Describe(error)}");
        return 127;
    }

    private static string[] LauncherPrefix()
    {
        // Published (single-file or not) and in test output folders, the apphost sits beside the assembly.
        var appHost = Path.Combine(AppContext.BaseDirectory, AppHostName);
        if (File.Exists(appHost))
            return [appHost];

        // Run as "dotnet mlx-supervisor.dll": start the same way. (Assembly.Location is empty in single-file
        // builds, but those always have the apphost.)
        var assembly = Path.Combine(AppContext.BaseDirectory, AppHostName + ".dll");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (string.IsNullOrEmpty(host))
            host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        return [host, "exec", assembly];
    }
}
