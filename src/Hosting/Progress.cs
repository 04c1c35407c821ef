using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.Hosting;

/// <summary>
/// Progress of long work: a redrawn bar with count, rate and time left when stderr is a terminal,
/// otherwise a plain log line every interval. Call Report often; it draws at most a few times a second.
/// </summary>
public sealed class Progress(string what, long total, ILogger log, TimeSpan? logInterval = null)
{
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly bool _terminal = !Console.IsErrorRedirected;
    readonly TimeSpan _logInterval = logInterval ?? TimeSpan.FromSeconds(5);
    TimeSpan _lastDraw = TimeSpan.MinValue;

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Report(long done, string? extra = null)
    {
        var now = _clock.Elapsed;
        var every = _terminal ? TimeSpan.FromMilliseconds(250) : _logInterval;
        if (_lastDraw != TimeSpan.MinValue && now - _lastDraw < every) return;
        _lastDraw = now;
        Draw(done, extra, final: false);
    }

    public void Done(long done, string? extra = null) => Draw(done, extra, final: true);

    void Draw(long done, string? extra, bool final)
    {
        double seconds = Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
        double rate = done / seconds;
        string left = total > 0 && rate > 0 && done < total ? $", {TimeSpan.FromSeconds((total - done) / rate):hh\\:mm\\:ss} left" : "";
        string of = total > 0 ? $"/{total:N0}" : "";
        string text = $"{what}: {done:N0}{of} ({rate:N0}/s{left}){(extra is null ? "" : ", " + extra)}";
        if (_terminal)
        {
            string bar = "";
            if (total > 0)
            {
                int filled = (int)Math.Clamp(30.0 * done / total, 0, 30);
                bar = "[" + new string('#', filled) + new string('.', 30 - filled) + "] ";
            }
            Console.Error.Write($"\r{bar}{text}\u001b[K");
            if (final) Console.Error.WriteLine();
        }
        else
        {
            log.LogInformation("{Progress}", text);
        }
    }
}
