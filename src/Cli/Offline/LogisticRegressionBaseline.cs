using System.Globalization;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Metrics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace KkboxNcf.Cli.Offline;

/// <summary>
/// Logistic regression on the one-hot encoded fields the other models see (member, song, every
/// member, song and context field, the first genre), fitted by L-BFGS (ML.NET). The L2 strength is
/// chosen on the validation rows: one fit per value of the grid, the one with the best validation
/// ROC AUC scores the test rows. The simple baseline a neural model on these fields has to beat.
/// </summary>
public sealed class LogisticRegressionBaseline(int seed, IReadOnlyList<float> l2Grid)
{
    public static readonly float[] DefaultL2Grid = [1f, 4f, 16f, 64f, 256f];

    public string Summary { get; private set; } = "";

    /// <summary>Validation AUC per L2 strength tried, in grid order.</summary>
    public IReadOnlyList<(float L2, double ValidAuc)> Tried { get; private set; } = [];

    /// <summary>Fits one model per L2 strength on train, keeps the best on valid, returns its test probabilities.</summary>
    public float[] FitPredict(EncodedDataset train, EncodedDataset valid, EncodedDataset test)
    {
        if (l2Grid.Count == 0) throw new ArgumentException("the L2 grid is empty", nameof(l2Grid));
        var ml = new MLContext(seed);
        var inputs = LightGbmBaseline.Inputs;
        // fitted on train: a value absent from train becomes an all-zero one-hot vector
        var encode = ml.Transforms.Categorical.OneHotEncoding(inputs.Select(n => new InputOutputColumnPair(n + "_hot", n)).ToArray())
            .Append(ml.Transforms.Concatenate("Features", inputs.Select(n => n + "_hot").ToArray()));
        var featurizer = encode.Fit(ml.Data.LoadFromEnumerable(LightGbmBaseline.Rows(train)));
        var trainView = ml.Data.Cache(featurizer.Transform(ml.Data.LoadFromEnumerable(LightGbmBaseline.Rows(train))));
        var validView = featurizer.Transform(ml.Data.LoadFromEnumerable(LightGbmBaseline.Rows(valid)));
        var testView = featurizer.Transform(ml.Data.LoadFromEnumerable(LightGbmBaseline.Rows(test)));

        var tried = new List<(float, double)>();
        ITransformer? best = null;
        float bestL2 = float.NaN;
        double bestAuc = double.NegativeInfinity;
        foreach (float l2 in l2Grid)
        {
            var model = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = "Label",
                FeatureColumnName = "Features",
                L2Regularization = l2,
                L1Regularization = 0,
            }).Fit(trainView);
            double auc = Metric.RocAuc(Probabilities(model.Transform(validView)), valid.Labels);
            tried.Add((l2, auc));
            if (auc > bestAuc)
            {
                bestAuc = auc;
                bestL2 = l2;
                best = model;
            }
        }
        Tried = tried;
        Summary = $"L-BFGS logistic regression on one-hot {string.Join(", ", inputs)}; L2 {bestL2.ToString(CultureInfo.InvariantCulture)} chosen on validation AUC " +
            $"({string.Join(", ", tried.Select(t => $"L2 {t.Item1.ToString(CultureInfo.InvariantCulture)}: {t.Item2:F4}"))})";
        return Probabilities(best!.Transform(testView));
    }

    static float[] Probabilities(IDataView scored) => scored.GetColumn<float>("Probability").ToArray();
}
