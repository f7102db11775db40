namespace MlxSupervisor.Tests.Support;

/// <summary>Bounds for waiting on things that happen on other threads or in other processes.</summary>
public static class Timeouts
{
    public const int UnitTestMs = 30_000;
    public const int ProcessTestMs = 60_000;

    /// <summary>How long a test waits for an expected state before failing.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
}
