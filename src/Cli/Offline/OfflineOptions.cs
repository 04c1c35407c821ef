using KkboxNcf.Model.Training;

namespace KkboxNcf.Cli.Offline;

/// <summary>What `kkbox offline` was asked to do.</summary>
public sealed record OfflineOptions(
    string DataDir,
    string OutDir,
    string[] Models,
    bool TimeSplit,
    int NDim,
    int[] Ks,
    double Threshold,
    TrainingConfig Training,
    int LightGbmRows)
{
    public static readonly string[] KnownModels = ["mf", "mlp", "ncf", "lgbm", "lr"];

    /// <summary>Use only the first this many labelled rows of train.csv (0: all of them).</summary>
    public int MaxRows { get; init; }

    /// <summary>Member, song and metadata values seen fewer times in the train split map to the unknown row (see RareValues).</summary>
    public int MinCount { get; init; } = 1;

    /// <summary>Standard deviation of the initial embedding rows.</summary>
    public double InitStd { get; init; } = 0.1;

    /// <summary>
    /// The settings tried for each neural model (every combination); the one with the best validation
    /// AUC scores the test rows. Training's own LearningRate, EmbeddingL2 and IdDropout are replaced by them.
    /// </summary>
    public double[] LearningRates { get; init; } = [0.001];

    public double[] EmbeddingL2s { get; init; } = [0];

    public double[] IdDropouts { get; init; } = [0];

    /// <summary>The L2 strengths logistic regression chooses from on validation.</summary>
    public float[] LrL2Grid { get; init; } = LogisticRegressionBaseline.DefaultL2Grid;
}
