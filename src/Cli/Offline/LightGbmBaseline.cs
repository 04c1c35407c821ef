using KkboxNcf.Model.Features;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace KkboxNcf.Cli.Offline;

/// <summary>
/// Gradient-boosted trees (LightGBM through ML.NET), the method of the KKBOX competition's winning
/// solutions, on the same categorical features the neural models see (user, song, every metadata
/// field, the first genre). Each field is one-hot encoded, which ML.NET marks as categorical slot
/// ranges, so LightGBM makes categorical splits (groups of values) rather than threshold splits on
/// arbitrary row numbers. Early stopping on the validation set.
/// </summary>
public sealed class LightGbmBaseline(int seed, int iterations = 500, int leaves = 63, double learningRate = 0.1)
{
    /// <summary>The one-hot encoded input columns (each single-valued field and the first genre), as Row names them.</summary>
    internal static readonly string[] Inputs = FeatureLayout.Fields.Select(FeatureLayout.Name).Append("genre").ToArray();

    public string Summary { get; private set; } = "";

    /// <summary>Trains on train (early stopping on valid) and returns the test probabilities.</summary>
    public float[] FitPredict(EncodedDataset train, EncodedDataset valid, EncodedDataset test)
    {
        var ml = new MLContext(seed);
        var encode = ml.Transforms.Categorical.OneHotEncoding(Inputs.Select(n => new InputOutputColumnPair(n + "_hot", n)).ToArray())
            .Append(ml.Transforms.Concatenate("Features", Inputs.Select(n => n + "_hot").ToArray()));
        var trainView = ml.Data.LoadFromEnumerable(Rows(train));
        var featurizer = encode.Fit(trainView);
        var trainer = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = "Label",
            FeatureColumnName = "Features",
            NumberOfIterations = iterations,
            NumberOfLeaves = leaves,
            LearningRate = learningRate,
            UseCategoricalSplit = true,
            EarlyStoppingRound = 20,
            Seed = seed,
            Verbose = false,
            Silent = true,
        });
        var model = trainer.Fit(featurizer.Transform(trainView), featurizer.Transform(ml.Data.LoadFromEnumerable(Rows(valid))));
        var scored = model.Transform(featurizer.Transform(ml.Data.LoadFromEnumerable(Rows(test))));
        Summary = $"LightGBM: up to {iterations} trees of {leaves} leaves, learning rate {learningRate}, early stopping after 20 rounds without validation gain";
        return scored.GetColumn<float>("Probability").ToArray();
    }

    internal static IEnumerable<Row> Rows(EncodedDataset d)
    {
        for (int i = 0; i < d.Count; i++)
        {
            var f = new float[Inputs.Length];
            for (int c = 0; c < FeatureLayout.SingleFieldCount; c++) f[c] = d.Columns[c][i];
            f[^1] = d.Columns[FeatureLayout.GenreColumn][i];
            yield return new Row(f, d.Labels[i] > 0.5f);
        }
    }

    // ML.NET reads a class's public fields as columns; one per field (names as in Inputs).
    internal sealed class Row(float[] f, bool label)
    {
        public bool Label = label;
        public float user = f[0], song = f[1], city = f[2], gender = f[3], registered_via = f[4], age_bucket = f[5];
        public float artist = f[6], composer = f[7], lyricist = f[8], language = f[9], country = f[10];
        public float source_system_tab = f[11], source_screen_name = f[12], source_type = f[13], genre = f[14];
    }
}
