namespace KkboxNcf.Cli.Report.Svg;

/// <summary>One box: quartiles, median, whiskers and mean of a distribution.</summary>
public sealed record BoxStats(string Name, double Min, double Q1, double Median, double Q3, double Max, double Mean, int Count);

/// <summary>
/// Box plots on a 0-1 axis, one per category. Whiskers reach the minimum and maximum (metrics.json
/// keeps quartiles, not the per-member values); the diamond is the mean.
/// </summary>
public sealed class BoxChart
{
    public required string Title { get; init; }
    public required IReadOnlyList<BoxStats> Boxes { get; init; }
    public int Width { get; init; } = 240;
    public int PlotHeight { get; init; } = 170;

    const double Left = 40, Right = 10, Top = 30, Bottom = 30;

    public bool HasData => Boxes.Any(b => b.Count > 0 && double.IsFinite(b.Median));

    public string Render()
    {
        if (!HasData) throw new InvalidOperationException($"chart '{Title}' has no data");
        var svg = new SvgWriter(Width, (int)(Top + PlotHeight + Bottom), Title);
        double plotW = Width - Left - Right;
        double Y(double v) => Top + PlotHeight - Math.Clamp(v, 0, 1) * PlotHeight;
        svg.Text(8, 18, Title, size: 12.5, bold: true);
        foreach (double t in new[] { 0, 0.25, 0.5, 0.75, 1 })
        {
            svg.Line(Left, Y(t), Left + plotW, Y(t), Palette.Grid);
            svg.Text(Left - 5, Y(t) + 4, Ticks.Label(t), "end", 10, Palette.Axis);
        }
        svg.Line(Left, Top + PlotHeight, Left + plotW, Top + PlotHeight, Palette.Axis);
        double slot = plotW / Boxes.Count;
        svg.BeginData();
        for (int i = 0; i < Boxes.Count; i++)
        {
            var b = Boxes[i];
            double cx = Left + slot * (i + 0.5), half = Math.Min(22, slot * 0.3);
            string color = Palette.Series[i % Palette.Series.Length];
            svg.Text(cx, Top + PlotHeight + 16, b.Name, "middle", 11);
            if (b.Count == 0 || !double.IsFinite(b.Median)) { svg.Text(cx, Top + PlotHeight / 2, "n/a", "middle", 11, Palette.Axis); continue; }
            svg.Line(cx, Y(b.Min), cx, Y(b.Q1), color, 1.5);
            svg.Line(cx, Y(b.Q3), cx, Y(b.Max), color, 1.5);
            svg.Line(cx - half / 2, Y(b.Min), cx + half / 2, Y(b.Min), color, 1.5);
            svg.Line(cx - half / 2, Y(b.Max), cx + half / 2, Y(b.Max), color, 1.5);
            // a box whose quartiles coincide still shows as a thin bar
            double top = Y(b.Q3), h = Math.Max(2, Y(b.Q1) - Y(b.Q3));
            svg.Rect(cx - half, top, 2 * half, h, color, color, 0.35);
            svg.Line(cx - half, Y(b.Median), cx + half, Y(b.Median), color, 2.5);
            svg.Diamond(cx, Y(b.Mean), 4, "#ffffff", color);
        }
        svg.EndData();
        return svg.ToString();
    }
}
