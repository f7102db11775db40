using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MlxSupervisor.Bench.Machine;

/// <summary>The machine the figures were taken on, as the report names it.</summary>
internal sealed record MachineInfo(string Cores, string CpuModel, string Memory, string OperatingSystem, string DotNet, string Supervisord,
    string Commit, DateTimeOffset Date)
{
    public static MachineInfo Read(string repoRoot, string? supervisord) => new(
        Run("nproc", [], null) ?? Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        FirstValue("/proc/cpuinfo", "model name") ?? "unknown",
        MemTotal(),
        $"{OsRelease()}, kernel {Read("/proc/sys/kernel/osrelease") ?? "?"}",
        RuntimeInformation.FrameworkDescription,
        supervisord is null ? "not installed" : Run(supervisord, ["--version"], null) ?? "?",
        Run("git", ["rev-parse", "--short", "HEAD"], repoRoot) ?? "unknown",
        DateTimeOffset.UtcNow);

    private static string MemTotal()
    {
        var kib = FirstValue("/proc/meminfo", "MemTotal")?.Split(' ')[0];
        return long.TryParse(kib, out var k) ? $"{k / 1024.0 / 1024.0:0.0} GiB" : "unknown";
    }

    private static string OsRelease()
    {
        var line = File.Exists("/etc/os-release") ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)) : null;
        return line?["PRETTY_NAME=".Length..].Trim('"') ?? RuntimeInformation.OSDescription;
    }

    private static string? FirstValue(string path, string key) =>
        File.Exists(path)
            ? File.ReadLines(path).Where(l => l.StartsWith(key, StringComparison.Ordinal)).Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()).FirstOrDefault()
            : null;

    private static string? Read(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;

    private static string? Run(string file, string[] args, string? workingDirectory)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args)
                start.ArgumentList.Add(a);
            if (workingDirectory is not null)
                start.WorkingDirectory = workingDirectory;
            using var process = System.Diagnostics.Process.Start(start);
            if (process is null)
                return null;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
