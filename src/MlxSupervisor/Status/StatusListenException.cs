namespace MlxSupervisor.Status;

/// <summary>The endpoint could not listen on <c>Status:Listen</c>: the port is taken, or the address is not this machine's.</summary>
public sealed class StatusListenException(Uri address, string problem, Exception inner)
    : Exception($"cannot listen on {address} (Status:Listen): {problem}", inner)
{
    public Uri Address { get; } = address;

    public string Problem { get; } = problem;
}
