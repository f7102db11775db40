namespace MlxSupervisor.Bench.Scenarios;

/// <summary>Zombie to replacement (issue 12): a server whose generation thread died while its /health stays 200.</summary>
internal sealed record ZombieResult(IReadOnlyList<ZombieRun> Runs);

/// <param name="Kind">Loud (a traceback), quiet and idle (silent, no client), or busy (silent, a client waiting).</param>
/// <param name="Settings">The settings that decide how it is found.</param>
/// <param name="BoundMs">How late the daemon may find it by its settings (null where nothing waits: the traceback is read at once).</param>
internal sealed record ZombieRun(string Kind, string Settings, double? BoundMs, IReadOnlyList<ZombieSample> Samples);

/// <summary>One zombie, in ms after it became one: after the bench's client read <c>data: [DONE]</c> of the last completion the thread answered.</summary>
/// <param name="TracebackMs">Loud only: the traceback's first line, as the daemon logged it from the server's stderr.</param>
/// <param name="FoundMs">The daemon's line that found it: "declared dead" (loud, quiet) or the stall watchdog's "wedged" (busy).</param>
/// <param name="SpawnMs">The replacement's spawn.</param>
/// <param name="RunningMs">The replacement called Running.</param>
/// <param name="WaitingClient">Busy only: how the client that was waiting on the zombie ended.</param>
/// <param name="Answered">Completions the bench had answered before the thread died: one more than it takes when the sim did not count the readiness probe.</param>
internal sealed record ZombieSample(double? TracebackMs, double FoundMs, double SpawnMs, double RunningMs, WaitingClient? WaitingClient, int Answered);

/// <param name="Whole">It got its whole answer (every token, finish_reason, [DONE], a clean end).</param>
/// <param name="WaitMs">From sending its request to the end of its answer.</param>
/// <param name="AfterRunningMs">From the replacement's Running to the end of its answer.</param>
/// <param name="Outcome">What it saw, in a few words.</param>
internal sealed record WaitingClient(bool Whole, double WaitMs, double AfterRunningMs, string Outcome);
