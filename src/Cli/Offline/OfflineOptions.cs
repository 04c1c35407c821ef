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
    public static readonly string[] KnownModels = ["mf", "mlp", "ncf", "lgbm"];
}
