namespace MlxSupervisor.Deploy.Tests.Infrastructure;

/// <summary>
/// What deploy/install.sh printed. Each command it runs or would run is a line "+ command"; each file it
/// writes is a block from "--- write PATH ---" to "--- end ---" (with the content in a dry run).
/// </summary>
public sealed record ScriptRun(int ExitCode, string Stdout, string Stderr)
{
    private const string WriteHeader = "--- write ";
    private const string WriteEnd = "--- end ---";

    public IReadOnlyList<string> Lines => Stdout.Split('\n');

    /// <summary>The commands, without the "+ ".</summary>
    public IReadOnlyList<string> Commands => [.. Lines.Where(line => line.StartsWith("+ ", StringComparison.Ordinal)).Select(line => line[2..])];

    /// <summary>The files written, by path, with their content.</summary>
    public IReadOnlyDictionary<string, string> WrittenFiles
    {
        get
        {
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            string? path = null;
            var content = new List<string>();
            foreach (var line in Lines)
            {
                if (path is null && line.StartsWith(WriteHeader, StringComparison.Ordinal) && line.EndsWith(" ---", StringComparison.Ordinal))
                {
                    path = line[WriteHeader.Length..^" ---".Length];
                    content.Clear();
                }
                else if (path is not null && line == WriteEnd)
                {
                    files.Add(path, string.Join('\n', content));
                    path = null;
                }
                else if (path is not null)
                {
                    content.Add(line);
                }
            }
            return files;
        }
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
