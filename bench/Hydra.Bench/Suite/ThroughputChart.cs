using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace Hydra.Bench.Suite;

/// <summary>The throughput table as grouped bars (SVG, OxyPlot's own exporter: no native graphics needed).</summary>
internal static class ThroughputChart
{
    public static void Write(string path, IReadOnlyList<string> loads, IReadOnlyList<string> routers, Func<string, string> label, Func<string, string, double> rate)
    {
        var model = new PlotModel
        {
            Title = "Hydra router throughput (messages per second, median)",
            Background = OxyColors.White,
            DefaultFont = "sans-serif",
        };
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.RightTop, LegendPlacement = LegendPlacement.Outside });
        model.Axes.Add(new CategoryAxis { Position = AxisPosition.Left, ItemsSource = loads, Title = "pairs × message size" });
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Bottom,
            Minimum = 0,
            MajorGridlineStyle = LineStyle.Dot,
            StringFormat = "#,0",
            Title = "messages per second",
        });
        foreach (var router in routers)
        {
            var series = new BarSeries { Title = label(router), LabelFormatString = "{0:#,0}", FontSize = 8 };
            foreach (var load in loads)
            {
                var value = rate(load, router);
                series.Items.Add(new BarItem(double.IsFinite(value) ? value : 0));
            }
            model.Series.Add(series);
        }
        var height = 120 + (loads.Count * routers.Count * 14);
        using var file = File.Create(path);
        new SvgExporter { Width = 1100, Height = height }.Export(model, file);
    }
}
