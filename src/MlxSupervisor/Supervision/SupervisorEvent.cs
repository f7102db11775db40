namespace MlxSupervisor.Supervision;

/// <summary>Something that happened to a supervised server, as the status endpoint lists it.</summary>
/// <param name="Kind">One of <see cref="EventKinds"/>.</param>
/// <param name="Message">What happened, for a person.</param>
/// <remarks>
/// The facts a listener acts on travel beside the message, so no listener reads them back out of its words: the
/// event is recorded just before the snapshot shows them.
/// </remarks>
public sealed record SupervisorEvent(DateTimeOffset At, string Kind, string Message)
{
    /// <summary>The server the event is about, when it is about one.</summary>
    public int? Pid { get; init; }

    /// <summary>On a spawn after the first: why the previous life of the server ended.</summary>
    public RestartCause? Cause { get; init; }

    /// <summary>On <see cref="EventKinds.CircuitOpen"/>: when the circuit lets a trial start through.</summary>
    public DateTimeOffset? Until { get; init; }
}
