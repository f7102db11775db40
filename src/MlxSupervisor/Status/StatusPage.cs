namespace MlxSupervisor.Status;

/// <summary>The page at GET /: one self-contained HTML file (Page/status.html), embedded in the assembly.</summary>
internal static class StatusPage
{
    private const string ResourceName = "MlxSupervisor.Status.Page.status.html";

    public static string Html { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(StatusPage).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
