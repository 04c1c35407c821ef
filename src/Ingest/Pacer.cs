using System.Diagnostics;

namespace KkboxNcf.Ingest;

/// <summary>Holds a replay to a rate in events per second (0 = unlimited). Runs on the replay thread.</summary>
public sealed class Pacer(double eventsPerSecond)
{
    readonly Stopwatch _clock = Stopwatch.StartNew();
    long _events;

    public void Tick(CancellationToken ct)
    {
        _events++;
        if (eventsPerSecond <= 0 || (_events & 31) != 0) return;
        double ahead = _events / eventsPerSecond - _clock.Elapsed.TotalSeconds;
        if (ahead > 0.001) ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(ahead));
    }
}
