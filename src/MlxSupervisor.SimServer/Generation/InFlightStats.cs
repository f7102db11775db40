namespace MlxSupervisor.SimServer.Generation;

/// <param name="InFlight">Generation requests in flight now.</param>
/// <param name="TotalRequests">Generation requests ever received.</param>
/// <param name="MaxInFlight">The most that were ever in flight at once.</param>
internal sealed record InFlightStats(int InFlight, long TotalRequests, int MaxInFlight);
