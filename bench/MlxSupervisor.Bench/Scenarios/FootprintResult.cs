namespace MlxSupervisor.Bench.Scenarios;

/// <summary>A supervisor's own process while it watches a healthy server: resident memory and CPU as % of one core.</summary>
internal sealed record FootprintResult(string Supervisor, string Condition, double RssMibMedian, double RssMibMax, double CpuPercent,
    long Threads, TimeSpan Window);
