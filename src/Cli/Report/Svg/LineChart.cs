namespace KkboxNcf.Cli.Report.Svg;

/// <summary>A line series; a null y breaks the line (an undefined metric is not drawn as a value).</summary>
public sealed record Series(string Name, IReadOnlyList<(double X, double? Y)> Points, string? Color = null, string? Dash = null, bool Markers = false);

/// <summary>A horizontal reference line across the plot (e.g. the offline NCF's test AUC).</summary>
public sealed record HLine(string Name, double Y, string Color = Palette.Reference, string Dash = "6 4");

/// <summary>A shaded stretch of the x axis (e.g. the stream positions of the offline test rows).</summary>
public sealed record XBand(string Name, double From, double To);

/// <summary>
/// A line chart as inline SVG: series against x, reference lines, an x band, a legend under the
/// plot. The y range covers the data and the reference lines (or is fixed); log y is for latencies.
/// </summary>
public sealed class LineChart
{
    public required string Title { get; init; }
    public required string XLabel { get; init; }
    public required string YLabel { get; init; }
    public List<Series> Series { get; } = new();
    public List<HLine> HLines { get; } = new();
    public List<XBand> Bands { get; } = new();
    public bool LogY { get; init; }
    public double? YMin { get; init; }
    public double? YMax { get; init; }
    /// <summary>Tick positions and labels for categorical x (e.g. percentiles); null = numeric ticks.</summary>
    public IReadOnlyList<(double X, string Label)>? XTicks { get; init; }
    public int Width { get; init; } = 620;
    public int PlotHeight { get; init; } = 240;

    const double Left = 64, Right = 18, Top = 34;

    public bool HasData => Series.Any(s => s.Points.Any(p => p.Y is { } y && double.IsFinite(y) && (!LogY || y > 0)));

    public string Render()
    {
        if (!HasData) throw new InvalidOperationException($"chart '{Title}' has no data; the caller must say so instead of drawing it");
        var entries = Series.Select((s, i) => (s.Name, Color: s.Color ?? Palette.Series[i % Palette.Series.Length], Dash: s.Dash, Line: true))
            .Concat(HLines.Select(h => (h.Name, Color: h.Color, Dash: (string?)h.Dash, Line: true)))
            .Concat(Bands.Select(b => (b.Name, Color: Palette.Band, Dash: (string?)null, Line: false))).ToList();
        var rows = LegendRows(entries.Select(e => e.Name).ToList());
        double bottom = 44 + rows.Count * 18 + 6;
        int height = (int)(Top + PlotHeight + bottom);
        var svg = new SvgWriter(Width, height, Title);
        double plotW = Width - Left - Right, plotH = PlotHeight;

        var xs = Series.SelectMany(s => s.Points.Select(p => p.X)).Concat(Bands.SelectMany(b => new[] { b.From, b.To })).ToList();
        if (XTicks is not null) xs.AddRange(XTicks.Select(t => t.X));
        double xMin = xs.Min(), xMax = xs.Max();
        if (xMax <= xMin) { xMin -= 1; xMax += 1; }
        var ys = Series.SelectMany(s => s.Points).Where(p => p.Y is { } y && double.IsFinite(y) && (!LogY || y > 0)).Select(p => p.Y!.Value)
            .Concat(HLines.Select(h => h.Y)).ToList();
        double yMin = YMin ?? ys.Min(), yMax = YMax ?? ys.Max();
        if (LogY)
        {
            yMin = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(yMin, 1e-3))));
            yMax = Math.Pow(10, Math.Ceiling(Math.Log10(Math.Max(yMax, yMin * 10))));
        }
        else if (YMin is null || YMax is null)
        {
            double pad = yMax > yMin ? (yMax - yMin) * 0.08 : Math.Max(Math.Abs(yMax) * 0.05, 0.01);
            if (YMin is null) yMin -= pad;
            if (YMax is null) yMax += pad;
        }
        double X(double x) => Left + (x - xMin) / (xMax - xMin) * plotW;
        double Y(double y) => LogY
            ? Top + plotH - (Math.Log10(y) - Math.Log10(yMin)) / (Math.Log10(yMax) - Math.Log10(yMin)) * plotH
            : Top + plotH - (y - yMin) / (yMax - yMin) * plotH;

        svg.Text(Left, 20, Title, size: 14, bold: true);
        foreach (var b in Bands) svg.Rect(X(b.From), Top, X(b.To) - X(b.From), plotH, Palette.Band);
        foreach (double t in LogY ? Ticks.Log(yMin, yMax) : Ticks.Linear(yMin, yMax))
        {
            svg.Line(Left, Y(t), Left + plotW, Y(t), Palette.Grid);
            svg.Text(Left - 6, Y(t) + 4, Ticks.Label(t), "end", 11, Palette.Axis);
        }
        foreach (var (x, label) in XTicks ?? Ticks.Linear(xMin, xMax, 6).Select(t => (t, Ticks.Label(t))).ToList())
        {
            svg.Line(X(x), Top + plotH, X(x), Top + plotH + 4, Palette.Axis);
            svg.Text(X(x), Top + plotH + 17, label, "middle", 11, Palette.Axis);
        }
        svg.Line(Left, Top + plotH, Left + plotW, Top + plotH, Palette.Axis);
        svg.Line(Left, Top, Left, Top + plotH, Palette.Axis);
        svg.Text(Left + plotW / 2, Top + plotH + 34, XLabel, "middle", 12);
        svg.Text(16, Top + plotH / 2, YLabel, "middle", 12, rotate: -90);

        foreach (var h in HLines) svg.Line(Left, Y(h.Y), Left + plotW, Y(h.Y), h.Color, 1.5, h.Dash);
        svg.BeginData();
        for (int i = 0; i < Series.Count; i++)
        {
            var s = Series[i];
            string color = entries[i].Color;
            foreach (var run in Runs(s.Points)) svg.Polyline(run.Select(p => (X(p.X), Y(p.Y))).ToList(), color, 2, s.Dash);
            if (s.Markers || s.Points.Count(p => p.Y is not null) <= 2)
                foreach (var p in s.Points)
                    if (p.Y is { } y && double.IsFinite(y) && (!LogY || y > 0)) svg.Circle(X(p.X), Y(y), 3.5, color);
        }
        svg.EndData();

        double ly = Top + plotH + 52;
        int e = 0;
        foreach (var row in rows)
        {
            double lx = Left;
            foreach (string name in row)
            {
                var entry = entries[e++];
                if (entry.Line) svg.Line(lx, ly - 4, lx + 22, ly - 4, entry.Color, 2.5, entry.Dash);
                else svg.Rect(lx, ly - 10, 22, 12, entry.Color);
                svg.Text(lx + 28, ly, name, size: 11);
                lx += 28 + TextWidth(name) + 18;
            }
            ly += 18;
        }
        return svg.ToString();

        IEnumerable<List<(double X, double Y)>> Runs(IReadOnlyList<(double X, double? Y)> points)
        {
            var run = new List<(double X, double Y)>();
            foreach (var p in points)
            {
                if (p.Y is { } y && double.IsFinite(y) && (!LogY || y > 0)) { run.Add((p.X, Math.Clamp(y, yMin, yMax))); continue; }
                if (run.Count > 0) yield return run;
                run = new List<(double X, double Y)>();
            }
            if (run.Count > 0) yield return run;
        }
    }

    static double TextWidth(string s) => s.Length * 6.2;

    List<List<string>> LegendRows(IReadOnlyList<string> names)
    {
        var rows = new List<List<string>> { new() };
        double x = 0, max = Width - Left - Right;
        foreach (string n in names)
        {
            double w = 28 + TextWidth(n) + 18;
            if (x + w > max && rows[^1].Count > 0) { rows.Add(new List<string>()); x = 0; }
            rows[^1].Add(n);
            x += w;
        }
        return rows;
    }
}
