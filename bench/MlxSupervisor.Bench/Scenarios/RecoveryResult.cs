namespace MlxSupervisor.Bench.Scenarios;

internal sealed record RecoveryResult(string Supervisor, TimeSpan Backoff, IReadOnlyList<RecoverySample> Samples);
