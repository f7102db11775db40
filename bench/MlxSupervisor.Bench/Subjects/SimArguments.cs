namespace MlxSupervisor.Bench.Subjects;

/// <summary>The simulated server's command line: the same for both supervisors, so they watch the same server.</summary>
internal static class SimArguments
{
    public static string[] For(int port, params string[] extra) => ["--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra];

    public static Uri HealthUrl(int port) => new($"http://127.0.0.1:{port}/health");
}
