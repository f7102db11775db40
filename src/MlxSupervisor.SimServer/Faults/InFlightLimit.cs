using MlxSupervisor.SimServer.Native;
using MlxSupervisor.SimServer.Output;

namespace MlxSupervisor.SimServer.Faults;

/// <summary>
/// <c>--max-in-flight N</c>: one request too many and the process is SIGKILLed, the way the kernel killed the
/// real server when concurrent generations ran it out of memory.
/// </summary>
internal sealed class InFlightLimit(int? maxInFlight, SimConsole console)
{
    public void Enforce(int inFlight)
    {
        if (maxInFlight is not { } limit || inFlight <= limit)
            return;

        console.Error($"sim: {inFlight} requests in flight exceed --max-in-flight {limit}, killing myself with SIGKILL");
        NativeMethods.KillSelf(NativeMethods.SigKill);
    }
}
