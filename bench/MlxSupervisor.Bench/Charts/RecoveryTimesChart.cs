using MlxSupervisor.Bench.Scenarios;
using MlxSupervisor.Bench.Stats;
using ScottPlot;

namespace MlxSupervisor.Bench.Charts;

/// <summary>The recovery times after each SIGKILL, one column per supervisor and measure: every kill as a dot over a box.</summary>
internal static class RecoveryTimesChart
{
    public const string FileName = "recovery-times.png";

    private static readonly Color Daemon = Color.FromHex("#1f77b4");
    private static readonly Color Supervisord = Color.FromHex("#ff7f0e");

    public static void Save(RecoveryResult daemon, RecoveryResult supervisord, string path)
    {
        var plot = new Plot();
        var random = new Random(3);
        var columns = new (double Position, string Label, IReadOnlyList<double> Values, Color Color)[]
        {
            (1, "mlx-supervisor\nrespawn", daemon.Samples.Select(s => s.SpawnMs).ToList(), Daemon),
            (2, $"mlx-supervisor\nrespawn − backoff\n({daemon.Backoff.TotalMilliseconds:0} ms)", daemon.Samples.Select(s => s.OverheadMs).ToList(), Daemon),
            (3, "supervisord\nrespawn", supervisord.Samples.Select(s => s.SpawnMs).ToList(), Supervisord),
            (4.5, "mlx-supervisor\n/health 200", daemon.Samples.Select(s => s.HealthyMs).ToList(), Daemon),
            (5.5, "supervisord\n/health 200", supervisord.Samples.Select(s => s.HealthyMs).ToList(), Supervisord),
        };
        foreach (var (position, _, values, color) in columns)
        {
            if (values.Count == 0)
                continue;
            var box = new Box
            {
                Position = position,
                BoxMin = Percentiles.Of(values.ToList(), 25),
                BoxMax = Percentiles.Of(values.ToList(), 75),
                BoxMiddle = Percentiles.Median(values.ToList()),
                WhiskerMin = values.Min(),
                WhiskerMax = values.Max(),
                Width = 0.5,
            };
            // The plottable's colours win over the box's own.
            var boxes = plot.Add.Box(box);
            boxes.FillColor = color.WithAlpha(0.2);
            boxes.LineColor = color;
            var xs = values.Select(_ => position + (random.NextDouble() - 0.5) * 0.35).ToArray();
            plot.Add.Markers(xs, values.ToArray(), MarkerShape.FilledCircle, 6, color.WithAlpha(0.8));
        }
        plot.Axes.Bottom.SetTicks(columns.Select(c => c.Position).ToArray(), columns.Select(c => c.Label).ToArray());
        plot.Axes.SetLimitsX(0.3, 6.2);
        var top = columns.SelectMany(c => c.Values).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, top * 1.1);
        plot.YLabel("ms after SIGKILL");
        plot.Title($"Recovery after SIGKILL: {daemon.Samples.Count} SIGKILLs per supervisor, same run (box: quartiles and median; whiskers: min and max)");
        plot.SavePng(path, 1200, 620);
    }
}
