namespace KkboxNcf.Trainer.Online;

/// <summary>
/// What one micro-batch did: events scored, trained (now or from the label-delay queue), rows recycled
/// at the caps, time spent in each stage (Prepare may have overlapped the previous batch's training).
/// </summary>
public sealed record BatchResult(
    int Events,
    int Labeled,
    int Trained,
    int Pending,
    double Loss,
    int RecycledUsers,
    int RecycledSongs,
    double LatencyP50Ms,
    double LatencyMaxMs,
    double PrepareSeconds,
    double ScoreSeconds,
    double TrainSeconds);
