using System.Diagnostics;
using KkboxNcf.Trainer.Online;

namespace KkboxNcf.Trainer.Streaming;

/// <summary>
/// What a StreamLoop trained and where its time went, from the first batch taken up to the last one
/// trained (so group join and the final checkpoint are not in it). Written by the training thread.
/// </summary>
public sealed class StreamLoopStats
{
    internal Stopwatch? FirstBatch { get; set; }

    public long Events { get; private set; }
    public int Batches { get; private set; }

    /// <summary>Seconds from taking up the first batch to the end of the last one's training.</summary>
    public double Seconds { get; private set; }

    /// <summary>Time in OnlineTrainer.Prepare (on the reading thread when read ahead).</summary>
    public double PrepareSeconds { get; private set; }
    public double ScoreSeconds { get; private set; }
    public double TrainSeconds { get; private set; }

    /// <summary>Time the training thread waited, after a batch trained, for the next one to be read and prepared.</summary>
    public double WaitSeconds { get; internal set; }

    public double EventsPerSecond => Seconds > 0 ? Events / Seconds : double.NaN;

    internal void Add(BatchResult r)
    {
        Events += r.Events;
        Batches++;
        PrepareSeconds += r.PrepareSeconds;
        ScoreSeconds += r.ScoreSeconds;
        TrainSeconds += r.TrainSeconds;
        Seconds = FirstBatch?.Elapsed.TotalSeconds ?? 0;
    }
}
