using System.Diagnostics;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Metrics;
using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;
using TorchSharp;

namespace KkboxNcf.Cli.Offline;

/// <summary>Trains each asked-for model on the train split (early stopping on validation) and evaluates it on the test split.</summary>
public sealed class OfflineRunner(OfflineOptions options, TextWriter log)
{
    /// <param name="fitted">Called with each trained torch model while it is still held (the lists section ranks with it).</param>
    public ModelOutcome Run(string name, OfflineData data, CancellationToken ct, Action<string, ModelBundle>? fitted = null)
    {
        var clock = Stopwatch.StartNew();
        float[] scores;
        IReadOnlyList<EpochResult> epochs = [];
        string settings;
        if (name == "lgbm")
        {
            log.WriteLine("lgbm: training LightGBM (ML.NET) ...");
            var lgbm = new LightGbmBaseline(options.Training.Seed);
            // ML.NET's LightGBM loader overflows on millions of one-hot rows: train on the most recent rows
            var train = data.Train.Count <= options.LightGbmRows ? data.Train
                : data.Train.Slice(data.Train.Count - options.LightGbmRows, options.LightGbmRows);
            scores = lgbm.FitPredict(train, data.Valid, data.Test);
            settings = lgbm.Summary + (train.Count < data.Train.Count ? $"; trained on the last {train.Count:N0} of {data.Train.Count:N0} train rows" : "");
        }
        else
        {
            var kind = ModelFactory.ParseKind(name);
            using var model = ModelFactory.Create(ModelShape.For(kind, data.Space, options.NDim, headroom: 0), options.Training.Seed);
            using var fitter = new ModelFitter(model, options.Training);
            var bar = ProgressBar.ForConsole();
            int lastEpoch = 0;
            epochs = fitter.Fit(data.Train, data.Valid, p =>
            {
                if (p.Epoch != lastEpoch) { bar.Reset(); lastEpoch = p.Epoch; }
                bar.Report($"{name} epoch {p.Epoch}/{p.MaxEpochs}", p.Done, p.Total, $"loss {p.MeanLoss:F4}, {p.ExamplesPerSecond:N0} ex/s");
            }, ct);
            foreach (var e in epochs)
                log.WriteLine($"{name} epoch {e.Epoch}: train loss {e.TrainLoss:F4}, validation loss {e.ValidLoss:F4}{(e.Improved ? " (best)" : "")}, {e.ExamplesPerSecond:N0} ex/s");
            scores = model.Predict(data.Test);
            clock.Stop();
            fitted?.Invoke(name, new ModelBundle(data.Space, model));
            clock.Start();
            var t = options.Training;
            settings = $"n_dim {options.NDim}, Adam lr {t.LearningRate}, batch {t.BatchSize}, " +
                $"{(t.RowSparse ? "row-sparse LazyAdam on embeddings" : "dense Adam (seed)")}, up to {t.MaxEpochs} epochs, patience {t.Patience}, seed {t.Seed}";
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var evaluation = Evaluate(data, scores);
        log.WriteLine($"{name}: test AUC {evaluation.Auc:F4}, log loss {evaluation.LogLoss:F4}, mean member AUC {evaluation.MeanMemberAuc:F4} ({seconds:F0} s)");
        return new ModelOutcome(name, evaluation, epochs, seconds, settings);
    }

    public Evaluation Evaluate(OfflineData data, float[] scores) =>
        Evaluation.Compute(data.Test.Column(Field.User), scores, data.Test.Labels, options.Ks, options.Threshold);
}
