using MlxSupervisor.Bench.Clients;

namespace MlxSupervisor.Bench.Scenarios;

/// <summary>Streams through the front door while the server is SIGKILLed again and again (issue 12, item 6).</summary>
/// <param name="Clients">Streaming clients at once.</param>
/// <param name="MinTokens">The fewest tokens a stream asked for (max_tokens, drawn evenly per stream up to <paramref name="MaxTokens"/>).</param>
/// <param name="KillPhaseS">How long the kills went on; the streams then in flight were read to their end.</param>
/// <param name="Kills">The bench's clock at each SIGKILL.</param>
/// <param name="SentAgain">The front door's lines for a request sent again to the replacement (nothing had reached its client), one per send.</param>
/// <param name="Spliced">The front door's lines for a stream whose server died before any content went out (it goes on with the replacement's answer).</param>
/// <param name="Cut">The front door's lines for an answer cut after content went out (the client is told).</param>
internal sealed record StreamIntegrityResult(string Settings, int Clients, int MinTokens, int MaxTokens, double KillPhaseS, IReadOnlyList<DateTimeOffset> Kills,
    IReadOnlyList<StreamRecord> Streams, int SentAgain, int Spliced, int Cut)
{
    public int Count(StreamVerdict verdict) => Streams.Count(s => s.Verdict == verdict);
}

/// <param name="Tokens">The tokens it asked for (max_tokens): a whole answer has them all.</param>
/// <param name="CrossedKill">A SIGKILL came while it was in flight (after its request, before its end).</param>
internal sealed record StreamRecord(StreamVerdict Verdict, int Tokens, bool CrossedKill, StreamReading Reading);
