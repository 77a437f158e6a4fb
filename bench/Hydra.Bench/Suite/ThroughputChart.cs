using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace Hydra.Bench.Suite;

/// <summary>The throughput table as grouped bars (SVG, OxyPlot's own exporter: no native graphics needed).</summary>
internal static class ThroughputChart
{
    /// <summary>One colour per router (by its label), the Hydras in green, the bare forwarders in grey, the anchor in blue.</summary>
    private static readonly Dictionary<string, OxyColor> Colours = new()
    {
        ["Hydra (libzmq)"] = OxyColor.FromRgb(0x1b, 0x9e, 0x3e),
        ["Hydra (NetMQ)"] = OxyColor.FromRgb(0x9b, 0xd6, 0x8c),
        ["Hydra (baseline build)"] = OxyColor.FromRgb(0x80, 0x60, 0xa8),
        ["raw libzmq (C#)"] = OxyColor.FromRgb(0x55, 0x55, 0x55),
        ["raw NetMQ"] = OxyColor.FromRgb(0xb0, 0xb0, 0xb0),
        ["C++ anchor"] = OxyColor.FromRgb(0x1f, 0x5f, 0xb4),
        ["Python (asyncio)"] = OxyColor.FromRgb(0xe6, 0x7e, 0x22),
        ["Python (sync)"] = OxyColor.FromRgb(0xf1, 0xc4, 0x0f),
        // The cluster chart: local in Hydra's green, cross in purple, NATS alone in grey.
        ["local (A → A)"] = OxyColor.FromRgb(0x1b, 0x9e, 0x3e),
        ["cross (A → B)"] = OxyColor.FromRgb(0x80, 0x60, 0xa8),
        ["NATS alone"] = OxyColor.FromRgb(0x88, 0x88, 0x88),
    };

    public static void Write(string path, IReadOnlyList<string> loads, IReadOnlyList<string> routers, Func<string, string> label, Func<string, string, double> rate) =>
        Write(path, loads, routers.Select(r => (label(r), (Func<string, double>)(load => rate(load, r)))).ToList());

    /// <summary>Draws a report's throughput table again (<c>Hydra.Bench chart REPORT.md OUT.svg</c>).</summary>
    public static void Redraw(string report, string path)
    {
        var lines = File.ReadAllLines(report);
        var start = Array.FindIndex(lines, l => l.StartsWith("### Throughput", StringComparison.Ordinal));
        var header = lines[start + 2].Split('|', StringSplitOptions.TrimEntries)[2..^1];
        var rows = lines.Skip(start + 4).TakeWhile(l => l.StartsWith('|')).Select(l => l.Split('|', StringSplitOptions.TrimEntries)[1..^1]).ToList();
        var loads = rows.Select(r => r[0]).Where(l => !l.Contains("idle", StringComparison.Ordinal)).ToList();
        double Value(string load, int column) =>
            double.TryParse(rows.First(r => r[0] == load)[column + 1], System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
        // Routers only: not the ratio columns ("Hydra / …") nor the big-table variant.
        var routers = Enumerable.Range(0, header.Length)
            .Where(c => !header[c].Contains(" / ", StringComparison.Ordinal) && !header[c].Contains("clients asked", StringComparison.Ordinal))
            .Select(c => (header[c], (Func<string, double>)(load => Value(load, c))))
            .ToList();
        Write(path, loads, routers);
    }

    private static void Write(string path, IReadOnlyList<string> loads, IReadOnlyList<(string Label, Func<string, double> Rate)> routers) =>
        WriteSeries(path, "Hydra router throughput, messages per second (median)",
            "pairs × message size; each router in its own process on 127.0.0.1, one load generator", loads, routers);

    /// <summary>Any set of series over the loads, one bar each per load (the cluster chart: local, cross, NATS alone).</summary>
    public static void WriteSeries(string path, string title, string subtitle, IReadOnlyList<string> loads, IReadOnlyList<(string Label, Func<string, double> Rate)> routers)
    {
        var model = new PlotModel
        {
            Title = title,
            Subtitle = subtitle,
            Background = OxyColors.White,
            DefaultFont = "sans-serif",
            // OxyPlot's SVG exporter guesses text widths: fixed margins keep labels and title inside.
            Padding = new OxyThickness(10, 30, 30, 10),
            PlotMargins = new OxyThickness(90, double.NaN, double.NaN, double.NaN),
        };
        // Each bar says whose it is (SVG renderers place legend text unevenly): "Hydra (libzmq)  315,815".
        // Top to bottom in the table's order.
        model.Axes.Add(new CategoryAxis { Position = AxisPosition.Left, ItemsSource = loads, StartPosition = 1, EndPosition = 0 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Minimum = 0, MaximumPadding = 0.3, MajorGridlineStyle = LineStyle.Dot, StringFormat = "#,0" });
        foreach (var (label, rate) in routers)
        {
            var series = new BarSeries
            {
                Title = label,
                LabelFormatString = label + "  {0:#,0}",
                FontSize = 9,
                FillColor = Colours.GetValueOrDefault(label, OxyColors.Automatic),
            };
            foreach (var load in loads)
            {
                var value = rate(load);
                series.Items.Add(new BarItem(double.IsFinite(value) ? value : 0));
            }
            model.Series.Add(series);
        }
        var height = 170 + (loads.Count * routers.Count * 15);
        using var file = File.Create(path);
        new SvgExporter { Width = 1100, Height = height }.Export(model, file);
    }
}
