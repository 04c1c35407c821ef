namespace KkboxNcf.Cli.Report.Svg;

/// <summary>Grouped bars from zero: one group per category, one bar per series, value printed on each bar.</summary>
public sealed class BarChart
{
    public required string Title { get; init; }
    public required string YLabel { get; init; }
    public required IReadOnlyList<string> Categories { get; init; }
    /// <summary>Series name and one value per category (NaN = not available, drawn as "n/a").</summary>
    public required IReadOnlyList<(string Name, double[] Values)> Series { get; init; }
    public int Width { get; init; } = 620;
    public int PlotHeight { get; init; } = 220;

    const double Left = 64, Right = 18, Top = 34;

    public bool HasData => Series.Any(s => s.Values.Any(double.IsFinite));

    public string Render()
    {
        if (!HasData) throw new InvalidOperationException($"chart '{Title}' has no data");
        int height = (int)(Top + PlotHeight + 60);
        var svg = new SvgWriter(Width, height, Title);
        double plotW = Width - Left - Right;
        double max = Series.SelectMany(s => s.Values).Where(double.IsFinite).Max();
        var ticks = Ticks.Linear(0, max * 1.1);
        double yMax = Math.Max(ticks[^1], max * 1.1);
        double Y(double v) => Top + PlotHeight - v / yMax * PlotHeight;
        svg.Text(Left, 20, Title, size: 14, bold: true);
        foreach (double t in ticks)
        {
            svg.Line(Left, Y(t), Left + plotW, Y(t), Palette.Grid);
            svg.Text(Left - 6, Y(t) + 4, Ticks.Label(t), "end", 11, Palette.Axis);
        }
        svg.Line(Left, Top + PlotHeight, Left + plotW, Top + PlotHeight, Palette.Axis);
        svg.Text(16, Top + PlotHeight / 2, YLabel, "middle", 12, rotate: -90);
        double slot = plotW / Categories.Count, barW = Math.Min(40, slot * 0.8 / Series.Count);
        svg.BeginData();
        for (int c = 0; c < Categories.Count; c++)
        {
            double start = Left + slot * c + (slot - barW * Series.Count) / 2;
            svg.Text(Left + slot * (c + 0.5), Top + PlotHeight + 17, Categories[c], "middle", 11);
            for (int s = 0; s < Series.Count; s++)
            {
                double v = Series[s].Values[c], x = start + s * barW;
                if (!double.IsFinite(v)) { svg.Text(x + barW / 2, Top + PlotHeight - 4, "n/a", "middle", 9, Palette.Axis); continue; }
                svg.Rect(x + 1, Y(v), barW - 2, Top + PlotHeight - Y(v), Palette.Series[s % Palette.Series.Length]);
                svg.Text(x + barW / 2, Y(v) - 3, v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture), "middle", 9, Palette.Axis);
            }
        }
        svg.EndData();
        double lx = Left;
        for (int s = 0; s < Series.Count; s++)
        {
            svg.Rect(lx, Top + PlotHeight + 34, 14, 12, Palette.Series[s % Palette.Series.Length]);
            svg.Text(lx + 20, Top + PlotHeight + 44, Series[s].Name, size: 11);
            lx += 20 + Series[s].Name.Length * 6.2 + 18;
        }
        return svg.ToString();
    }
}
