namespace KkboxNcf.Model.Training;

/// <summary>Where an epoch is: examples done of the epoch's total, and the running mean training loss.</summary>
public sealed record TrainingProgress(string Model, int Epoch, int MaxEpochs, long Done, long Total, double MeanLoss, double ExamplesPerSecond);

/// <summary>One finished epoch; ValidAuc is the validation ROC AUC (NaN when there is no validation set).</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double ValidLoss, double Seconds, double ExamplesPerSecond, bool Improved,
    double ValidAuc = double.NaN);
