namespace KkboxNcf.Cli.Report.Svg;

/// <summary>"Nice" axis ticks (steps of 1, 2 or 5 times a power of ten) and their labels.</summary>
public static class Ticks
{
    public static double[] Linear(double min, double max, int target = 5)
    {
        if (!(max > min)) return [min];
        double raw = (max - min) / target;
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1, 2, 5, 10 }.Select(m => m * mag).First(s => s >= raw);
        var ticks = new List<double>();
        for (double t = Math.Ceiling(min / step) * step; t <= max + step * 1e-9; t += step) ticks.Add(Math.Round(t / step) * step);
        return ticks.ToArray();
    }

    /// <summary>Powers of ten (and 2x, 5x when few) within [min, max], both positive.</summary>
    public static double[] Log(double min, double max)
    {
        var ticks = new List<double>();
        for (double p = Math.Pow(10, Math.Floor(Math.Log10(min))); p <= max * 1.0001; p *= 10)
            foreach (double m in new[] { 1.0, 2, 5 })
                if (p * m >= min * 0.9999 && p * m <= max * 1.0001) ticks.Add(p * m);
        if (ticks.Count > 7) ticks = ticks.Where(t => Math.Abs(Math.Log10(t) - Math.Round(Math.Log10(t))) < 1e-9).ToList();
        return ticks.ToArray();
    }

    /// <summary>Short labels: 1.2M, 340k, 0.75, 12.</summary>
    public static string Label(double v)
    {
        if (Math.Abs(v) < 1e-12) return "0";
        double a = Math.Abs(v);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (a >= 1e6) return (v / 1e6).ToString("0.##", inv) + "M";
        if (a >= 1e4) return (v / 1e3).ToString("0.#", inv) + "k";
        if (a >= 100 || a == 0) return v.ToString("0", inv);
        if (a >= 1) return v.ToString("0.##", inv);
        return v.ToString("0.###", inv);
    }
}
