using System.Diagnostics;
using System.Globalization;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Metrics;
using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;
using TorchSharp;

namespace KkboxNcf.Cli.Offline;

/// <summary>
/// Trains each asked-for model on the train split and evaluates it on the test split. Every model
/// sees the same inputs: the vocabularies cut to values seen MinCount times in train (RareValues).
/// Settings are chosen on the validation split: a neural model is trained once per combination of
/// learning rate, embedding L2 and id dropout (each with early stopping on validation AUC) and the
/// best validation AUC scores the test rows; logistic regression chooses its L2 the same way.
/// </summary>
public sealed class OfflineRunner(OfflineOptions options, TextWriter log)
{
    (RareValues Rare, EncodedDataset Train, EncodedDataset Valid, EncodedDataset Test)? _inputs;

    /// <summary>The model inputs (built once per run): train, validation and test with rare values mapped to the unknown row.</summary>
    public (RareValues Rare, EncodedDataset Train, EncodedDataset Valid, EncodedDataset Test) Inputs(OfflineData data)
    {
        if (_inputs is { } cached) return cached;
        var rare = RareValues.Fit(data.Train, options.MinCount);
        _inputs = (rare, rare.Apply(data.Train), rare.Apply(data.Valid), rare.Apply(data.Test));
        InputSummary = $"Every model's inputs keep a member, song or metadata value only when the train rows hold it at least {options.MinCount} times " +
            $"(else the unknown row): {rare.KeptRows(Field.User):N0} members and {rare.KeptRows(Field.Song):N0} songs keep their own row; " +
            $"test rows whose member / song is the unknown row: {Share(data.Test, rare, Field.User):P0} / {Share(data.Test, rare, Field.Song):P0}.";
        log.WriteLine(InputSummary);
        return _inputs.Value;
    }

    /// <summary>What the rare-value cut did to the inputs (null until Inputs or Run was called).</summary>
    public string? InputSummary { get; private set; }

    static double Share(EncodedDataset d, RareValues rare, Field f) =>
        d.Count == 0 ? 0 : (double)(rare.Mapped(d, f) + d.Column(f).Count(r => r == Vocabulary.UnknownRow)) / d.Count;

    /// <param name="fitted">Called with each trained torch model (the one chosen on validation) while it is still held (the lists section ranks with it).</param>
    public ModelOutcome Run(string name, OfflineData data, CancellationToken ct, Action<string, ModelBundle>? fitted = null)
    {
        var clock = Stopwatch.StartNew();
        var (_, train, valid, test) = Inputs(data);
        float[] scores;
        IReadOnlyList<EpochResult> epochs = [];
        string settings;
        if (name == "lgbm")
        {
            log.WriteLine("lgbm: training LightGBM (ML.NET) ...");
            var lgbm = new LightGbmBaseline(options.Training.Seed);
            // ML.NET's LightGBM loader overflows on millions of one-hot rows: train on the most recent rows
            var lgbmTrain = train.Count <= options.LightGbmRows ? train : train.Slice(train.Count - options.LightGbmRows, options.LightGbmRows);
            scores = lgbm.FitPredict(lgbmTrain, valid, test);
            settings = lgbm.Summary + (lgbmTrain.Count < train.Count ? $"; trained on the last {lgbmTrain.Count:N0} of {train.Count:N0} train rows" : "");
        }
        else if (name == "lr")
        {
            log.WriteLine("lr: training logistic regression (ML.NET L-BFGS) ...");
            var lr = new LogisticRegressionBaseline(options.Training.Seed, options.LrL2Grid);
            scores = lr.FitPredict(train, valid, test);
            foreach (var (l2, auc) in lr.Tried) log.WriteLine($"lr L2 {l2.ToString(CultureInfo.InvariantCulture)}: validation AUC {auc:F4}");
            settings = lr.Summary;
        }
        else
        {
            (scores, epochs, settings) = FitNeural(name, data, train, valid, test, ct, (n, b) =>
            {
                clock.Stop();
                fitted?.Invoke(n, b);
                clock.Start();
            });
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var evaluation = Evaluate(data, scores);
        log.WriteLine($"{name}: test AUC {evaluation.Auc:F4}, log loss {evaluation.LogLoss:F4}, mean member AUC {evaluation.MeanMemberAuc:F4} ({seconds:F0} s)");
        return new ModelOutcome(name, evaluation, epochs, seconds, settings);
    }

    (float[] Scores, IReadOnlyList<EpochResult> Epochs, string Settings) FitNeural(string name, OfflineData data,
        EncodedDataset train, EncodedDataset valid, EncodedDataset test, CancellationToken ct, Action<string, ModelBundle> fitted)
    {
        var kind = ModelFactory.ParseKind(name);
        // an MF model has no metadata to fall back on: dropping its ids only adds noise
        double[] dropouts = kind == ModelKind.Mf ? [0] : options.IdDropouts;
        var grid = (from lr in options.LearningRates from l2 in options.EmbeddingL2s from d in dropouts select (lr, l2, d)).ToList();
        var tried = new List<string>();
        (double Auc, float[] Scores, IReadOnlyList<EpochResult> Epochs, TrainingConfig Config, RecModel Model)? best = null;
        try
        {
            foreach (var (lr, l2, dropout) in grid)
            {
                var config = options.Training with { LearningRate = lr, EmbeddingL2 = l2, IdDropout = dropout, StopOnAuc = true };
                string label = $"lr {lr.ToString(CultureInfo.InvariantCulture)}, embedding L2 {l2.ToString(CultureInfo.InvariantCulture)}, id dropout {dropout.ToString(CultureInfo.InvariantCulture)}";
                // ncf with the Trainer's listen head (its lists rank by it; offline rows carry no member history)
                int listenDim = kind == ModelKind.Ncf ? new KkboxNcf.Trainer.TrainerSettings().ListenDim : 0;
                var model = ModelFactory.Create(ModelShape.For(kind, data.Space, options.NDim, headroom: 0, initStd: options.InitStd, listenDim: listenDim), config.Seed);
                var bar = ProgressBar.ForConsole();
                int lastEpoch = 0;
                IReadOnlyList<EpochResult> epochs;
                // the fitter goes before the model may: it lets go of the model's tables when disposed
                using (var fitter = new ModelFitter(model, config))
                    epochs = fitter.Fit(train, valid, p =>
                    {
                        if (p.Epoch != lastEpoch) { bar.Reset(); lastEpoch = p.Epoch; }
                        bar.Report($"{name} epoch {p.Epoch}/{p.MaxEpochs}", p.Done, p.Total, $"loss {p.MeanLoss:F4}, {p.ExamplesPerSecond:N0} ex/s");
                    }, ct);
                foreach (var e in epochs)
                    log.WriteLine($"{name} ({label}) epoch {e.Epoch}: train loss {e.TrainLoss:F4}, validation loss {e.ValidLoss:F4}, AUC {e.ValidAuc:F4}{(e.Improved ? " (best)" : "")}, {e.ExamplesPerSecond:N0} ex/s");
                var kept = epochs.Last(e => e.Improved);
                // the restored weights are the best epoch's; a validation set of one class has no AUC, then the loss ranks
                double auc = double.IsNaN(kept.ValidAuc) ? -kept.ValidLoss : kept.ValidAuc;
                tried.Add($"{label}: validation AUC {kept.ValidAuc:F4} at epoch {kept.Epoch}");
                if (best is null || auc > best.Value.Auc)
                {
                    best?.Model.Dispose();
                    best = (auc, model.Predict(test), epochs, config, model);
                }
                else model.Dispose();
            }
            fitted(name, new ModelBundle(data.Space, best!.Value.Model));
        }
        finally
        {
            best?.Model.Dispose();
        }
        var chosen = best!.Value;
        var t = chosen.Config;
        string settings = $"n_dim {options.NDim}, Adam lr {t.LearningRate}, embedding L2 {t.EmbeddingL2}, id dropout {t.IdDropout}, init std {options.InitStd}, " +
            $"min count {options.MinCount}, batch {t.BatchSize}, {(t.RowSparse ? "row-sparse LazyAdam on embeddings" : "dense Adam (seed)")}, " +
            $"up to {t.MaxEpochs} epochs, patience {t.Patience} on validation AUC, seed {t.Seed}" +
            (kind == ModelKind.Ncf ? $", listen head {new KkboxNcf.Trainer.TrainerSettings().ListenDim} (in-batch sampled softmax beside the BCE, weight {t.ListenWeight})" : "") +
            (tried.Count > 1 ? $"; chosen on validation AUC from: {string.Join("; ", tried)}" : "");
        return (chosen.Scores, chosen.Epochs, settings);
    }

    public Evaluation Evaluate(OfflineData data, float[] scores) =>
        Evaluation.Compute(data.Test.Column(Field.User), scores, data.Test.Labels, options.Ks, options.Threshold);
}
