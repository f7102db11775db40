namespace MlxSupervisor.Configuration;

/// <summary>
/// The settings in force, replaced whole when a reload validates. Readers take <see cref="Current"/> each time
/// they need a value (the supervisor at each probe, backoff and stop; the memory guard at each sample; the
/// front door at each request), so a change applies at their next use and no reader ever sees half an edit.
/// </summary>
public sealed class LiveSupervisorOptions(SupervisorOptions initial)
{
    private SupervisorOptions _current = initial;

    public SupervisorOptions Current => Volatile.Read(ref _current);

    /// <summary>Raised after a replacement, with the old and new settings.</summary>
    public event Action<SupervisorOptions, SupervisorOptions>? Changed;

    public void Replace(SupervisorOptions next)
    {
        var previous = Interlocked.Exchange(ref _current, next);
        Changed?.Invoke(previous, next);
    }
}
