namespace MlxSupervisor.Bench.Load;

/// <summary>One thing wrk is pointed at: its name in the report, its URL, its wrk script, and how to read its CPU time.</summary>
/// <param name="CpuTicks">The CPU time of the proxy under test (its process, or its process tree), or null for none.</param>
internal sealed record LoadTarget(string Name, Uri Url, string Script, Func<long?>? CpuTicks = null);

/// <summary>One wrk run against one target.</summary>
/// <param name="Repeat">Which round of the alternation it was measured in.</param>
/// <param name="ProxyCpuMs">The CPU time the proxy under test used during the run, or null for a target with none.</param>
internal sealed record HttpLoadRun(string Target, int Connections, int Repeat, WrkResult Wrk, double? ProxyCpuMs)
{
    /// <summary>The proxy's CPU per request, in microseconds.</summary>
    public double? CpuUsPerRequest => ProxyCpuMs is { } ms && Wrk.Requests > 0 ? ms * 1000 / Wrk.Requests : null;
}
