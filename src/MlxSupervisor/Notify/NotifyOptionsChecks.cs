namespace MlxSupervisor.Notify;

/// <summary>The <c>Notify</c> section's part of the settings check.</summary>
internal static class NotifyOptionsChecks
{
    private const string Root = NotifyOptions.SectionName;

    public static IEnumerable<string> Collect(NotifyOptions o)
    {
        if (!o.Enabled && o.Arguments.Count > 0)
            yield return $"{Root}:Arguments are set but {Root}:Command is missing: set it to the program to run, e.g. \"/usr/bin/curl\".";
        if (o.Timeout <= TimeSpan.Zero)
            yield return $"{Root}:Timeout '{o.Timeout:c}' must be a positive time span (hh:mm:ss).";
    }
}
