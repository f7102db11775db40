using MlxSupervisor.Bench.Clients;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>Streams through the front door while the server is SIGKILLed again and again (issue 12, item 6).</summary>
/// <param name="Clients">Streaming clients at once.</param>
/// <param name="KillPhaseS">How long the kills went on; the streams then in flight were read to their end.</param>
/// <param name="Kills">The bench's clock at each SIGKILL.</param>
/// <param name="Spliced">The front door's lines for a stream whose server died before any content went out (it goes on with the replacement's answer).</param>
/// <param name="Cut">The front door's lines for an answer cut after content went out (the client is told).</param>
internal sealed record StreamIntegrityResult(string Settings, int Clients, int Tokens, double KillPhaseS, IReadOnlyList<DateTimeOffset> Kills,
    IReadOnlyList<StreamRecord> Streams, int Spliced, int Cut)
{
    public int Count(StreamVerdict verdict) => Streams.Count(s => s.Verdict == verdict);
}

/// <param name="CrossedKill">A SIGKILL came while it was in flight (after its request, before its end).</param>
internal sealed record StreamRecord(StreamVerdict Verdict, bool CrossedKill, StreamReading Reading);
