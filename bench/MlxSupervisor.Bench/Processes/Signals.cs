namespace MlxSupervisor.Bench.Processes;

/// <summary>Linux signal numbers the bench sends.</summary>
internal static class Signals
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;
}
