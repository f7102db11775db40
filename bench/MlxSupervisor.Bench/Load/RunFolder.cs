namespace MlxSupervisor.Bench.Load;

/// <summary>A temp folder for one scenario's generated files (configs, wrk scripts, nginx's logs), removed after it.</summary>
internal static class RunFolder
{
    /// <param name="shared">Other users' processes (nginx's workers run as nobody under root) must reach into it.</param>
    public static async Task<T> WithAsync<T>(string prefix, Func<string, Task<T>> measure, bool shared = false)
    {
        var directory = Directory.CreateTempSubdirectory(prefix).FullName;
        if (shared)
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        try
        {
            return await measure(directory);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
