using Xunit;

namespace MlxSupervisor.Testing.Tools;

/// <summary>What a spec that needs a tool does on this machine: run it, skip, or fail.</summary>
internal abstract record ToolVerdict
{
    private ToolVerdict()
    {
    }

    /// <summary>The tool is there: the spec runs it from <paramref name="Path"/>.</summary>
    public sealed record Found(string Path) : ToolVerdict
    {
        public override string PathOrThrow() => Path;
    }

    /// <summary>
    /// The tool is missing on a developer's machine: the spec is skipped (a <c>[SkippableFact]</c> reports a
    /// <see cref="SkipException"/> as a skip), the reason naming the package.
    /// </summary>
    public sealed record Skipped(string Reason) : ToolVerdict
    {
        public override string PathOrThrow() => throw new SkipException(Reason);
    }

    /// <summary>The tool is missing under CI: the spec fails, so a green CI run has run it.</summary>
    public sealed record Failed(string Reason) : ToolVerdict
    {
        public override string PathOrThrow() => throw new MissingToolException(Reason);
    }

    /// <summary>The path to run the tool from, or the skip or failure that stops the spec.</summary>
    public abstract string PathOrThrow();

    /// <summary>Decides from the environment (<paramref name="variable"/> reads one) and the files on this machine.</summary>
    public static ToolVerdict For(RequiredTool tool, Func<string, string?> variable)
    {
        var overridden = variable(tool.OverrideVariable);
        string? path;
        string where;
        if (!string.IsNullOrEmpty(overridden))
        {
            path = IsExecutable(overridden) ? overridden : null;
            where = $"{tool.OverrideVariable} names {overridden}, which is not an executable file";
        }
        else
        {
            path = OnPath(tool.Name, variable("PATH"));
            where = "it is not on PATH";
        }

        if (path is not null)
            return new Found(path);
        var install = $"apt-get install {tool.Package}";
        return IsCi(variable("CI"))
            ? new Failed($"needs {tool.Name} ({where}), and under CI a missing tool fails the spec rather than skip it: {install}; .ci/run installs it")
            : new Skipped($"needs {tool.Name} ({where}): {install}, or set {tool.OverrideVariable} to its path");
    }

    /// <summary>CI=true, as CI sets it; CI=false and CI=0 say this is not CI, as most tools read them.</summary>
    private static bool IsCi(string? ci) =>
        !string.IsNullOrEmpty(ci) && !ci.Equals("false", StringComparison.OrdinalIgnoreCase) && ci != "0";

    private static string? OnPath(string name, string? path) =>
        (path ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, name))
            .FirstOrDefault(IsExecutable);

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;
}
