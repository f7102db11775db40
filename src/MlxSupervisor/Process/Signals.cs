namespace MlxSupervisor.Process;

/// <summary>Signal numbers and names. The common ones agree on macOS and Linux; the rest differ, so they are looked up per OS.</summary>
internal static class Signals
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGPIPE = 13;
    public const int SIGTERM = 15;
    public static int SIGSTOP => OperatingSystem.IsMacOS() ? 17 : 19;
    public static int SIGCONT => OperatingSystem.IsMacOS() ? 19 : 18;

    private static readonly Dictionary<int, string> Linux = new()
    {
        [1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL", [5] = "SIGTRAP", [6] = "SIGABRT", [7] = "SIGBUS",
        [8] = "SIGFPE", [9] = "SIGKILL", [10] = "SIGUSR1", [11] = "SIGSEGV", [12] = "SIGUSR2", [13] = "SIGPIPE",
        [14] = "SIGALRM", [15] = "SIGTERM", [24] = "SIGXCPU", [25] = "SIGXFSZ",
    };

    private static readonly Dictionary<int, string> MacOS = new()
    {
        [1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL", [5] = "SIGTRAP", [6] = "SIGABRT", [7] = "SIGEMT",
        [8] = "SIGFPE", [9] = "SIGKILL", [10] = "SIGBUS", [11] = "SIGSEGV", [12] = "SIGSYS", [13] = "SIGPIPE",
        [14] = "SIGALRM", [15] = "SIGTERM", [24] = "SIGXCPU", [25] = "SIGXFSZ", [30] = "SIGUSR1", [31] = "SIGUSR2",
    };

    public static string Name(int signal) =>
        (OperatingSystem.IsMacOS() ? MacOS : Linux).TryGetValue(signal, out var name) ? name : $"signal {signal}";
}
