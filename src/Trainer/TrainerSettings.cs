using KkboxNcf.Contracts;
using KkboxNcf.Hosting;
using KkboxNcf.Model.Models;
using KkboxNcf.Trainer.Online;

namespace KkboxNcf.Trainer;

/// <summary>The "Trainer" configuration section (environment: Trainer__BatchSize, ...; command line: see Program).</summary>
public sealed class TrainerSettings : ISettings
{
    public static string Section => "Trainer";

    public string ListensTopic { get; set; } = Topics.Listens;
    public string MembersTopic { get; set; } = Topics.Members;
    public string SongsTopic { get; set; } = Topics.Songs;
    public string SongExtrasTopic { get; set; } = Topics.SongExtras;
    public string CheckpointsTopic { get; set; } = Topics.Checkpoints;
    public string MetricsTopic { get; set; } = Topics.Metrics;
    public string DeadLettersTopic { get; set; } = Topics.DeadLetters;

    /// <summary>Consumer group of the listens consumer (offsets are committed after each durable checkpoint).</summary>
    public string GroupId { get; set; } = "kkbox-trainer";

    /// <summary>
    /// Most listens in a micro-batch. The default is one optimizer step (StepBatchSize), so the step's own
    /// forward pass scores the batch (OnlineTrainerOptions.ScoreInTrainingStep); larger batches are
    /// scored by a separate forward pass first.
    /// </summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>Most time a micro-batch waits for more listens after its first one; 0 = batches are bounded by size only.</summary>
    public int BatchMaxWaitMs { get; set; } = 1000;

    public string Model { get; set; } = "ncf";
    public int NDim { get; set; } = 10;
    /// <summary>Width of the NCF listen head (what a member will play; 0 = replay head only).</summary>
    public int ListenDim { get; set; } = 16;
    /// <summary>Weight of the listen objective beside the replay BCE.</summary>
    public double ListenWeight { get; set; } = 1.0;
    /// <summary>Songs of a member's recent listens the listen head's member vector sees (0: none).</summary>
    public int HistoryLength { get; set; } = 10;
    public int Seed { get; set; } = 42;
    public double LearningRate { get; set; } = 0.003;
    /// <summary>Examples per optimizer step within a micro-batch.</summary>
    public int StepBatchSize { get; set; } = 512;
    /// <summary>Passes over each micro-batch.</summary>
    public int Passes { get; set; } = 1;
    /// <summary>Listens an event waits after being scored before it is trained on (0 = off).</summary>
    public long LabelDelay { get; set; }
    public int MaxUsers { get; set; } = 1_000_000;
    public int MaxSongs { get; set; } = 4_000_000;

    /// <summary>
    /// libtorch's intra-op threads for the training loop; 0 = libtorch's default (one per core).
    /// Default 1: OpenMP's second thread spins at every barrier of these small ops (steps of 512 rows),
    /// so it gains little on a quiet 2-core machine (bench stream-train, load ~3: 35k listens/s with 2
    /// threads, 31k with 1) and collapses as soon as anything else wants a core (load ~6: 7.4k with 2,
    /// 16.4k with 1; under load 5-7 earlier, 2.4-4.1k vs 26-31k). OMP_WAIT_POLICY=PASSIVE avoids the
    /// collapse but costs more than it saves here (offline training at 2 threads: 80k examples/s
    /// spinning, 44k passive).
    /// </summary>
    public int TorchThreads { get; set; } = 1;

    /// <summary>
    /// Read, decode, join and encode the next micro-batch on a second thread while the current one trains
    /// (the model is still updated batch by batch in order, with the same result). Off: one thread does all.
    /// </summary>
    public bool PrepareAhead { get; set; } = true;

    /// <summary>Labeled events in the sliding window of the online metrics.</summary>
    public int MetricsWindow { get; set; } = 10_000;
    /// <summary>Publish metrics each time this many more listens were seen (and at each checkpoint).</summary>
    public long MetricsEveryEvents { get; set; } = 10_000;
    /// <summary>JSON-lines metrics file; default: metrics.jsonl in the checkpoint folder.</summary>
    public string? MetricsFile { get; set; }

    public string CheckpointDirectory { get; set; } = "checkpoints";
    public long CheckpointEveryEvents { get; set; } = 200_000;
    public int CheckpointEverySeconds { get; set; } = 60;
    public int KeepCheckpoints { get; set; } = 3;

    /// <summary>A model bundle trained offline to start from when there is no checkpoint yet.</summary>
    public string? WarmStart { get; set; }

    /// <summary>How long to wait at start for the metadata topics to be read up to where they were.</summary>
    public int MetadataCatchUpSeconds { get; set; } = 60;

    /// <summary>
    /// The recovery after the broker lost the listens topic and it was replayed again (README, Failure
    /// modes): read every partition from its start and skip the listens whose row is not after the
    /// checkpoint's last row of that partition, instead of refusing the checkpoint's offsets.
    /// </summary>
    public bool Rebase { get; set; }

    /// <summary>Stop (with a final checkpoint) once this many listens were seen; 0 = run until stopped.</summary>
    public long StopAfterEvents { get; set; }

    public string MetricsPath => MetricsFile ?? Path.Combine(CheckpointDirectory, "metrics.jsonl");

    public OnlineTrainerOptions Online => new()
    {
        Kind = ModelFactory.ParseKind(Model),
        NDim = NDim,
        ListenDim = ListenDim,
        ListenWeight = ListenWeight,
        HistoryLength = HistoryLength,
        Seed = Seed,
        LearningRate = LearningRate,
        StepBatchSize = StepBatchSize,
        Passes = Passes,
        LabelDelay = LabelDelay,
        MaxUsers = MaxUsers,
        MaxSongs = MaxSongs,
        MetricsWindow = MetricsWindow,
    };

    public IEnumerable<string> Validate()
    {
        foreach (var (name, value) in new[]
        {
            ("ListensTopic", ListensTopic), ("MembersTopic", MembersTopic), ("SongsTopic", SongsTopic), ("SongExtrasTopic", SongExtrasTopic),
            ("CheckpointsTopic", CheckpointsTopic), ("MetricsTopic", MetricsTopic), ("DeadLettersTopic", DeadLettersTopic),
            ("GroupId", GroupId), ("CheckpointDirectory", CheckpointDirectory),
        })
            if (string.IsNullOrWhiteSpace(value)) yield return $"Trainer:{name} must not be empty";
        if (BatchSize < 1) yield return $"Trainer:BatchSize must be at least 1, got {BatchSize}";
        if (BatchMaxWaitMs < 0) yield return $"Trainer:BatchMaxWaitMs must be 0 (size only) or positive, got {BatchMaxWaitMs}";
        if (Model.Trim().ToLowerInvariant() is not ("mf" or "mlp" or "ncf")) yield return $"Trainer:Model must be mf, mlp or ncf, got '{Model}'";
        if (NDim < 1) yield return $"Trainer:NDim must be at least 1, got {NDim}";
        if (HistoryLength is < 0 or > 100) yield return $"Trainer:HistoryLength must be between 0 and 100, got {HistoryLength}";
        if (ListenDim < 0) yield return $"Trainer:ListenDim must be 0 (no listen head) or positive, got {ListenDim}";
        if (!(ListenWeight >= 0) || double.IsInfinity(ListenWeight)) yield return $"Trainer:ListenWeight must be 0 or positive, got {ListenWeight}";
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) yield return $"Trainer:LearningRate must be positive, got {LearningRate}";
        if (StepBatchSize < 1) yield return $"Trainer:StepBatchSize must be at least 1, got {StepBatchSize}";
        if (TorchThreads < 0) yield return $"Trainer:TorchThreads must be 0 (libtorch's default) or positive, got {TorchThreads}";
        if (Passes < 1) yield return $"Trainer:Passes must be at least 1, got {Passes}";
        if (LabelDelay < 0) yield return $"Trainer:LabelDelay must be 0 (off) or positive, got {LabelDelay}";
        // a batch must leave a row to recycle: every row of a full vocabulary may not be in use by one batch
        if (MaxUsers <= BatchSize) yield return $"Trainer:MaxUsers must be above Trainer:BatchSize ({BatchSize}), got {MaxUsers}";
        if (MaxSongs <= BatchSize) yield return $"Trainer:MaxSongs must be above Trainer:BatchSize ({BatchSize}), got {MaxSongs}";
        if (MetricsWindow < 1) yield return $"Trainer:MetricsWindow must be at least 1, got {MetricsWindow}";
        if (MetricsEveryEvents < 1) yield return $"Trainer:MetricsEveryEvents must be at least 1, got {MetricsEveryEvents}";
        if (CheckpointEveryEvents < 1) yield return $"Trainer:CheckpointEveryEvents must be at least 1, got {CheckpointEveryEvents}";
        if (CheckpointEverySeconds < 1) yield return $"Trainer:CheckpointEverySeconds must be at least 1, got {CheckpointEverySeconds}";
        if (KeepCheckpoints < 1) yield return $"Trainer:KeepCheckpoints must be at least 1, got {KeepCheckpoints}";
        if (MetricsFile is { } metrics && string.IsNullOrWhiteSpace(metrics)) yield return "Trainer:MetricsFile must be a file path when set";
        if (WarmStart is not null && !File.Exists(WarmStart)) yield return $"Trainer:WarmStart '{WarmStart}' does not exist";
        if (MetadataCatchUpSeconds < 0) yield return $"Trainer:MetadataCatchUpSeconds must be 0 or positive, got {MetadataCatchUpSeconds}";
        if (StopAfterEvents < 0) yield return $"Trainer:StopAfterEvents must be 0 (never) or positive, got {StopAfterEvents}";
    }
}
