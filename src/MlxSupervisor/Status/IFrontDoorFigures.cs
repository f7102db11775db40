namespace MlxSupervisor.Status;

/// <summary>
/// The front door's figures for GET /status (in flight, queued, waits, rejections...). Optional: /status has a
/// <c>frontDoor</c> object only when one is registered. /metrics does not need this; it exports the front
/// door's own Meter ("MlxSupervisor.FrontDoor").
/// </summary>
public interface IFrontDoorFigures
{
    /// <summary>Names and values as the JSON should show them, e.g. { "inFlight": 2, "queued": 0 }.</summary>
    IReadOnlyDictionary<string, object?> Current { get; }

    /// <summary>The front door's Meter, so /metrics exports this daemon's front door and no other in the process.</summary>
    System.Diagnostics.Metrics.Meter? Meter => null;
}
