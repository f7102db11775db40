using MlxSupervisor.Bench.Scenarios;
using ScottPlot;

namespace MlxSupervisor.Bench.Charts;

/// <summary>
/// The crash loop on one time axis: each life of the server, each exit, each backoff wait, the circuit's open
/// spans and half-open trials, with the promised spawn times on the rows above.
/// </summary>
internal static class CrashLoopTimelineChart
{
    public const string FileName = "crash-loop-timeline.png";

    private const double Actual = 1, Promised = 2, Ideal = 3;

    private static readonly Color Spawn = Color.FromHex("#1f77b4");
    private static readonly Color Alive = Color.FromHex("#2ca02c");
    private static readonly Color Exit = Color.FromHex("#d62728");
    private static readonly Color Wait = Color.FromHex("#7f7f7f");
    private static readonly Color Promise = Color.FromHex("#ff7f0e");
    private static readonly Color Open = Color.FromHex("#d62728");

    public static void Save(ScheduleResult result, string path)
    {
        var plot = new Plot();
        var steps = result.Steps;
        var legendOpen = true;
        foreach (var (from, to) in result.OpenSpans)
        {
            // The run stops as soon as the circuit opens after the last trial: that span has no end yet.
            var ended = result.HalfOpenAtS.Any(h => h > from);
            var end = ended ? to : from + result.Policy.BreakDuration.TotalSeconds;
            var span = plot.Add.HorizontalSpan(from, end, Open.WithAlpha(ended ? 0.10 : 0.05));
            span.LineWidth = 0;
            span.LegendText = legendOpen ? "circuit open (nothing spawned)" : "";
            legendOpen = false;
            Label(plot, ended ? $"open {to - from:0.0} s" : "open again (run stops)", (from + end) / 2, Ideal + 0.45, Open);
        }
        var legendHalf = true;
        foreach (var at in result.HalfOpenAtS)
        {
            var line = plot.Add.VerticalLine(at, 2, Promise, LinePattern.Dashed);
            line.LegendText = legendHalf ? "circuit half-open: one trial start" : "";
            legendHalf = false;
        }

        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            if (s.ExitS is { } exit)
            {
                Segment(plot, s.SpawnS, exit, Actual, Alive, 9, i == 0 ? "server alive (dies as soon as it listens)" : "");
                if (i + 1 < steps.Count)
                {
                    Segment(plot, exit, steps[i + 1].SpawnS, Actual, Wait, 2, i == 0 ? "backoff or break wait" : "");
                    var promised = steps[i + 1].PromisedWaitMs ?? 0;
                    // Staggered, so the labels of short waits side by side do not run into each other.
                    Label(plot, promised >= 1000 ? $"{promised / 1000:0.#} s" : $"{promised:0} ms", (exit + steps[i + 1].SpawnS) / 2, Actual - (i % 2 == 0 ? 0.22 : 0.36), Wait);
                }
            }
        }
        Points(plot, steps.Select(s => s.SpawnS), Actual, MarkerShape.FilledCircle, Spawn, 9, "spawn (daemon log)");
        Points(plot, steps.Where(s => s.ExitS is not null).Select(s => s.ExitS!.Value), Actual, MarkerShape.Eks, Exit, 9, "exit seen (daemon log)");
        Points(plot, steps.Where(s => s.PromisedSpawnS is not null).Select(s => s.PromisedSpawnS!.Value), Promised, MarkerShape.OpenCircle, Promise, 10,
            "promised spawn: logged exit + promised wait");
        Points(plot, steps.Select(s => s.IdealSpawnS), Ideal, MarkerShape.OpenDiamond, Wait, 10, "promised spawn if the server died instantly");
        foreach (var s in steps.Where(s => s.DeviationMs is not null))
            Label(plot, $"{s.DeviationMs:+0;-0;0} ms", s.PromisedSpawnS!.Value, Promised + (s.Index % 2 == 1 ? 0.22 : 0.36), Promise);

        plot.Axes.Left.SetTicks([Actual, Promised, Ideal], ["mlx-supervisor", "promised after each exit", "promised, instant death"]);
        plot.Axes.SetLimitsY(0.4, Ideal + 0.7);
        var right = Math.Max(result.EndS, result.OpenSpans.Select(o => o.From).DefaultIfEmpty(0).Max() + result.Policy.BreakDuration.TotalSeconds);
        plot.Axes.SetLimitsX(-0.02 * right, right * 1.02);
        plot.XLabel("seconds since the first spawn");
        plot.Title($"Crash loop of a server that dies at once: InitialDelay {result.Policy.InitialDelay.TotalMilliseconds:0} ms, " +
            $"MaxDelay {result.Policy.MaxDelay.TotalSeconds:0.#} s, break {result.Policy.BreakDuration.TotalSeconds:0.#} s after {result.Policy.BreakerThreshold} failed restarts");
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, 1600, 560);
    }

    private static void Segment(Plot plot, double from, double to, double y, Color color, float width, string legend)
    {
        var line = plot.Add.Line(from, y, to, y);
        line.Color = color;
        line.LineWidth = width;
        line.MarkerShape = MarkerShape.None;
        line.LegendText = legend;
    }

    private static void Points(Plot plot, IEnumerable<double> xs, double y, MarkerShape shape, Color color, float size, string legend)
    {
        var x = xs.ToArray();
        var markers = plot.Add.Markers(x, x.Select(_ => y).ToArray(), shape, size, color);
        markers.LegendText = legend;
    }

    private static void Label(Plot plot, string text, double x, double y, Color color)
    {
        var label = plot.Add.Text(text, x, y);
        label.LabelFontSize = 11;
        label.LabelFontColor = color;
        label.LabelAlignment = Alignment.MiddleCenter;
    }
}
