namespace KkboxNcf.Cli;

/// <summary>
/// A progress bar for a console user: redrawn in place on a terminal, plain lines at every 10%
/// when the output is redirected (logs, CI), so files do not fill with carriage returns.
/// </summary>
public sealed class ProgressBar(TextWriter output, bool interactive)
{
    const int Width = 30;
    int _lastDecile = -1;

    public static ProgressBar ForConsole() => new(Console.Error, !Console.IsErrorRedirected);

    public void Report(string label, long done, long total, string detail)
    {
        double fraction = total == 0 ? 1 : Math.Clamp((double)done / total, 0, 1);
        if (interactive)
        {
            int filled = (int)Math.Round(fraction * Width);
            output.Write($"\r{label} [{new string('#', filled)}{new string('.', Width - filled)}] {fraction,4:P0} {detail}   ");
            if (done >= total) output.WriteLine();
            return;
        }
        int decile = (int)Math.Floor(fraction * 10);
        if (decile == _lastDecile) return;
        _lastDecile = decile;
        output.WriteLine($"{label} {fraction:P0} {detail}");
    }

    /// <summary>Starts a new bar (e.g. the next epoch).</summary>
    public void Reset() => _lastDecile = -1;
}
