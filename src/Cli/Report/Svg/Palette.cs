namespace KkboxNcf.Cli.Report.Svg;

/// <summary>Okabe-Ito colours (distinguishable with the common colour-vision deficiencies); reference lines are neutral.</summary>
public static class Palette
{
    public static readonly string[] Series = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];
    public const string Reference = "#222222";
    public const string SecondReference = "#7a7a7a";
    public const string Axis = "#555555";
    public const string Grid = "#e4e4e4";
    public const string Band = "#f1e7c8";
    public const string Text = "#222222";
}
