namespace MlxSupervisor.Status.Cli;

/// <summary>The daemon's endpoint did not answer as a running daemon would.</summary>
public sealed class StatusUnreachableException(Uri address, string problem) : Exception($"cannot reach the daemon at {address}: {problem}")
{
    public Uri Address { get; } = address;
}
