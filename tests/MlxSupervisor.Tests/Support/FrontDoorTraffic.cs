using MlxSupervisor.FrontDoor;

namespace MlxSupervisor.Tests.Support;

/// <summary>Figures of the front door that the words specs read back, set on its statistics directly.</summary>
public static class FrontDoorTraffic
{
    /// <summary>
    /// Two admitted after waits of 2.6 s and none (a mean of 1.3 s), two in flight, one queued, one waiting for the
    /// server, three refused for a full queue and one failed; no other cause of refusal.
    /// </summary>
    public static void Busy(FrontDoorStatistics requests)
    {
        requests.Admitted(TimeSpan.FromSeconds(2.6));
        requests.Admitted(TimeSpan.Zero);
        requests.ForwardStarted();
        requests.ForwardStarted();
        requests.EnterQueue();
        requests.EnterServerWait();
        for (var i = 0; i < 3; i++)
            requests.Rejected(Rejection.QueueFull);
        requests.Failed();
    }
}
