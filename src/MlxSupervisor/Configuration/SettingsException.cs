namespace MlxSupervisor.Configuration;

/// <summary>Settings the daemon refuses to run with; each line names a key or file and the bad value.</summary>
public sealed class SettingsException(IReadOnlyList<string> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
