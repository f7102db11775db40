namespace MlxSupervisor.Bench.Stats;

/// <summary>Median, p95 and range of one measured quantity.</summary>
internal sealed record Summary(int Count, double Median, double P95, double P99, double Min, double Max)
{
    public static Summary Of(IEnumerable<double> values)
    {
        var list = values.ToList();
        return list.Count == 0
            ? new Summary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN)
            : new Summary(list.Count, Percentiles.Median(list), Percentiles.Of(list, 95), Percentiles.Of(list, 99), list.Min(), list.Max());
    }
}
