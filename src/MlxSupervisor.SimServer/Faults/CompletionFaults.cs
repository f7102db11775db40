namespace MlxSupervisor.SimServer.Faults;

/// <summary>The faults a completion request can set off by arriving: too many in flight, or Metal's memory.</summary>
internal sealed class CompletionFaults(InFlightLimit limit, MetalOutOfMemory metal)
{
    /// <param name="inFlight">Completion requests in flight, this one included.</param>
    public void OnArrival(int inFlight)
    {
        limit.Enforce(inFlight);
        metal.OnArrival();
    }
}
