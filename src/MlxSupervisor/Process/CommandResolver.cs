namespace MlxSupervisor.Process;

/// <summary>Finds the server executable the way execvp would, so a missing command is named in the log before any spawn.</summary>
internal static class CommandResolver
{
    /// <returns>The absolute path, or null with <paramref name="problem"/> saying why.</returns>
    public static string? Resolve(string command, string? path, string? workingDirectory, out string? problem)
    {
        problem = null;
        if (command.Contains('/'))
        {
            var full = Path.GetFullPath(command, workingDirectory ?? Environment.CurrentDirectory);
            if (IsExecutableFile(full))
                return full;
            problem = File.Exists(full) ? $"'{full}' is not executable" : $"'{full}' does not exist";
            return null;
        }

        foreach (var dir in (path ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, command);
            if (IsExecutableFile(candidate))
                return Path.GetFullPath(candidate);
        }
        problem = $"'{command}' was not found on PATH ({path})";
        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
            return false;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
