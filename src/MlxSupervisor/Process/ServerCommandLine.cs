namespace MlxSupervisor.Process;

/// <summary>
/// Whether a process's command line runs a given server command with given arguments: the one rule by which the
/// daemon knows a server again, from the state file's record after a daemon was SIGKILLed, and when it adopts a
/// server that was started by hand (issue 12, item 7).
/// </summary>
/// <remarks>
/// What comes before the arguments is seldom the configured command itself, so the rule is loose about it:
/// <list type="bullet">
/// <item>until it exec's, the launcher's own argv: <c>mlx-supervisor __exec-in-new-group /path/server ...</c>;</item>
/// <item>a script runs under its interpreter: for a shebang the kernel passes
/// <c>[interpreter, (its one option,) /path/script, args...]</c> (execve(2), "Interpreter scripts"), so the console
/// script <c>mlx_lm.server</c> shows as <c>[/venv/bin/python3, /venv/bin/mlx_lm.server, --model, ...]</c>;</item>
/// <item>argv[0] of a binary is what was typed (<c>llama-server</c>), not the path the shell found.</item>
/// </list>
/// So the arguments must be the command line's last words, exactly, and some word before them must name the
/// command: the same path when both are absolute, otherwise the same file name.
/// </remarks>
internal static class ServerCommandLine
{
    public static bool Runs(IReadOnlyList<string> commandLine, string command, IReadOnlyList<string> arguments)
    {
        var prefix = commandLine.Count - arguments.Count;
        if (prefix < 1 || !commandLine.Skip(prefix).SequenceEqual(arguments, StringComparer.Ordinal))
            return false;
        return commandLine.Take(prefix).Any(word => Names(word, command));
    }

    private static bool Names(string word, string command) =>
        Path.IsPathRooted(word) && Path.IsPathRooted(command)
            ? string.Equals(Path.GetFullPath(word), Path.GetFullPath(command), StringComparison.Ordinal)
            : string.Equals(Path.GetFileName(word), Path.GetFileName(command), StringComparison.Ordinal);
}
