using System.Diagnostics;

namespace MlxSupervisor.Deploy.Tests.Infrastructure;

/// <summary>
/// A temporary world for deploy/install.sh: a copy of the scripts and the shipped settings, a HOME, a prefix,
/// a folder standing in for /Library/LaunchDaemons and a TMPDIR. Deleted on dispose.
/// </summary>
public sealed class Sandbox : IDisposable
{
    public const string User = "alice";

    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(30);

    public Sandbox()
    {
        Root = Path.Combine(Path.GetTempPath(), "mlxsup-deploy-" + Guid.NewGuid().ToString("N"));
        CopyDirectory(Repo.PathOf("deploy"), Path.Combine(RepoCopy, "deploy"));
        CopyDirectory(Repo.PathOf("launchd"), Path.Combine(RepoCopy, "launchd"));
        Directory.CreateDirectory(Path.GetDirectoryName(DefaultsFile)!);
        File.Copy(Repo.PathOf("src", "MlxSupervisor", "MlxSupervisor.csproj"), Path.Combine(RepoCopy, "src", "MlxSupervisor", "MlxSupervisor.csproj"));
        File.Copy(ShippedSettings.DefaultsFile, DefaultsFile);
        foreach (var dir in new[] { Home, Prefix, LaunchDaemons, Tmp })
            Directory.CreateDirectory(dir);
    }

    public string Root { get; }

    public string RepoCopy => Path.Combine(Root, "repo");
    public string Home => Path.Combine(Root, "home");
    public string Prefix => Path.Combine(Root, "prefix");
    public string LaunchDaemons => Path.Combine(Root, "LaunchDaemons");
    public string Tmp => Path.Combine(Root, "tmp");

    public string DefaultsFile => Path.Combine(RepoCopy, "src", "MlxSupervisor", "appsettings.json");
    public string AppDir => Path.Combine(Prefix, "lib", "mlx-supervisor");
    public string Executable => Path.Combine(AppDir, "mlx-supervisor");
    public string BinLink => Path.Combine(Prefix, "bin", "mlx-supervisor");
    public string ConfigDir => Path.Combine(Prefix, "etc", "mlx-supervisor");
    public string Config => Path.Combine(ConfigDir, "appsettings.json");
    public string LogDir => Path.Combine(Home, "Library", "Logs", "MlxSupervisor");
    public string DaemonPlist => Path.Combine(LaunchDaemons, "com.mlxsupervisor.daemon.plist");
    public string AgentPlist => Path.Combine(Home, "Library", "LaunchAgents", "com.mlxsupervisor.agent.plist");

    /// <summary>Puts an executable <paramref name="command"/> in ~/.pyenv/shims, one of the folders on the service's PATH.</summary>
    public void PutOnServicePath(string command = "mlx_lm.server") =>
        WriteExecutable(Path.Combine(Home, ".pyenv", "shims", command), "#!/bin/sh\nexit 0\n");

    public string Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public string WriteExecutable(string path, string content)
    {
        Write(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return path;
    }

    /// <summary>Every file and folder in the sandbox with its size and write time, to show that nothing changed.</summary>
    public IReadOnlyList<string> Snapshot() =>
        [.. Directory.EnumerateFileSystemEntries(Root, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(path => $"{path} {(File.Exists(path) ? new FileInfo(path).Length : -1)} {File.GetLastWriteTimeUtc(path):O}")];

    public Task<ScriptRun> InstallAsync(params string[] arguments) => RunAsync("install.sh", new Dictionary<string, string?>(), arguments);

    public Task<ScriptRun> UninstallAsync(params string[] arguments) => RunAsync("uninstall.sh", new Dictionary<string, string?>(), arguments);

    /// <summary>Runs deploy/<paramref name="script"/> with bash, HOME and the other folders pointing into the sandbox.</summary>
    public async Task<ScriptRun> RunAsync(string script, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Root,
        };
        start.ArgumentList.Add(Path.Combine(RepoCopy, "deploy", script));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        start.Environment["HOME"] = Home;
        start.Environment["USER"] = User;
        start.Environment["TMPDIR"] = Tmp;
        start.Environment["MLXSUP_LAUNCHDAEMONS_DIR"] = LaunchDaemons;
        start.Environment.Remove("SUDO_USER");
        start.Environment.Remove("DOTNET");
        // The dotnet running these specs, in case it is not on PATH.
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { } host && File.Exists(host))
            start.Environment["DOTNET"] = host;
        foreach (var (name, value) in environment)
        {
            if (value is null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ScriptTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"deploy/{script} {string.Join(' ', arguments)} did not finish within {ScriptTimeout}.");
        }
        return new ScriptRun(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
            Directory.Delete(Root, recursive: true);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.EnumerateDirectories(from))
            CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
