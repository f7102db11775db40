namespace MlxSupervisor.Supervision;

/// <summary>Something that happened to a supervised server, as the status endpoint lists it.</summary>
public sealed record SupervisorEvent(DateTimeOffset At, string Kind, string Message);
