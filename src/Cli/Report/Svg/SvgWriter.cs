using System.Globalization;
using System.Net;
using System.Text;

namespace KkboxNcf.Cli.Report.Svg;

/// <summary>A small SVG builder: numbers in invariant culture, text escaped.</summary>
public sealed class SvgWriter
{
    readonly StringBuilder _sb = new();

    public SvgWriter(int width, int height, string title)
    {
        Width = width;
        Height = height;
        _sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{Esc(title)}\">");
        _sb.Append($"<title>{Esc(title)}</title>");
        _sb.Append($"<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>");
    }

    public int Width { get; }
    public int Height { get; }

    public static string N(double v) => Math.Round(v, 2).ToString(CultureInfo.InvariantCulture);
    public static string Esc(string s) => WebUtility.HtmlEncode(s);

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null) =>
        _sb.Append($"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\"{(dash is null ? "" : $" stroke-dasharray=\"{dash}\"")}/>");

    public void Rect(double x, double y, double w, double h, string fill, string? stroke = null, double opacity = 1) =>
        _sb.Append($"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(Math.Max(0, w))}\" height=\"{N(Math.Max(0, h))}\" fill=\"{fill}\"" +
                   $"{(stroke is null ? "" : $" stroke=\"{stroke}\"")}{(opacity < 1 ? $" fill-opacity=\"{N(opacity)}\"" : "")}/>");

    public void Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, double width = 2, string? dash = null)
    {
        if (points.Count == 0) return;
        _sb.Append("<polyline fill=\"none\" stroke-linejoin=\"round\" stroke=\"").Append(stroke).Append("\" stroke-width=\"").Append(N(width)).Append('"');
        if (dash is not null) _sb.Append($" stroke-dasharray=\"{dash}\"");
        _sb.Append(" points=\"");
        foreach (var (x, y) in points) _sb.Append(N(x)).Append(',').Append(N(y)).Append(' ');
        _sb.Append("\"/>");
    }

    public void Circle(double x, double y, double r, string fill) =>
        _sb.Append($"<circle cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"{N(r)}\" fill=\"{fill}\"/>");

    public void Diamond(double x, double y, double r, string fill, string stroke) =>
        _sb.Append($"<polygon points=\"{N(x)},{N(y - r)} {N(x + r)},{N(y)} {N(x)},{N(y + r)} {N(x - r)},{N(y)}\" fill=\"{fill}\" stroke=\"{stroke}\"/>");

    public void Text(double x, double y, string text, string anchor = "start", double size = 12, string fill = Palette.Text, bool bold = false, double rotate = 0) =>
        _sb.Append($"<text x=\"{N(x)}\" y=\"{N(y)}\" font-size=\"{N(size)}\" fill=\"{fill}\" text-anchor=\"{anchor}\"" +
                   $"{(bold ? " font-weight=\"600\"" : "")}{(rotate != 0 ? $" transform=\"rotate({N(rotate)} {N(x)} {N(y)})\"" : "")}>{Esc(text)}</text>");

    /// <summary>A group around what shows the data (lines, bars, boxes): the rendering test looks for plotted pixels inside it.</summary>
    public void BeginData() => _sb.Append("<g class=\"plot-data\">");

    public void EndData() => _sb.Append("</g>");

    public override string ToString() => _sb + "</svg>";
}
