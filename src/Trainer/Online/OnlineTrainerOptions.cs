using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;

namespace KkboxNcf.Trainer.Online;

/// <summary>How the online model learns (the part of the Trainer's settings that is not about Kafka or files).</summary>
public sealed record OnlineTrainerOptions
{
    public ModelKind Kind { get; init; } = ModelKind.Ncf;
    public int NDim { get; init; } = 10;
    /// <summary>Width of the NCF listen head's member and song vectors (0: replay head only, no listen objective).</summary>
    public int ListenDim { get; init; } = 16;
    /// <summary>Weight of the listen objective (sampled softmax over each step's listens) beside the replay BCE.</summary>
    public double ListenWeight { get; init; } = 1.0;
    /// <summary>Songs of a member's recent listens the listen head's member vector sees (0: none).</summary>
    public int HistoryLength { get; init; } = 10;
    public int Seed { get; init; } = 42;
    public double LearningRate { get; init; } = 0.003;
    /// <summary>Examples per optimizer step within a micro-batch.</summary>
    public int StepBatchSize { get; init; } = 512;
    /// <summary>Passes over each micro-batch (1 = every event is used for one optimizer step).</summary>
    public int Passes { get; init; } = 1;
    /// <summary>Events an event waits, after it was scored, before it is trained on (0 = off).</summary>
    public long LabelDelay { get; init; }
    public int MaxUsers { get; init; } = 1_000_000;
    public int MaxSongs { get; init; } = 4_000_000;
    public int MetricsWindow { get; init; } = 10_000;
    /// <summary>
    /// Score a micro-batch that is one optimizer step (at most StepBatchSize listens, all labeled, no
    /// label delay) with that step's own forward pass instead of a separate one: the same probabilities
    /// (no model has dropout), a quarter less work. Off: always a separate evaluation forward.
    /// </summary>
    public bool ScoreInTrainingStep { get; init; } = true;
    /// <summary>Extra rows a table gets when it grows (0.5 = 50%), so it seldom has to grow again.</summary>
    public double GrowthHeadroom { get; init; } = 0.5;

    public TrainingConfig Training => new() { BatchSize = StepBatchSize, LearningRate = LearningRate, Seed = Seed, RowSparse = true, ListenWeight = ListenWeight };
}
