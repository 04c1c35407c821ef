using System.Diagnostics;
using KkboxNcf.Model.Training;
using TorchSharp;

namespace KkboxNcf.Cli.Offline;

/// <summary>
/// `kkbox offline`: trains MF, MLP, NCF, LightGBM and logistic regression on a KKBOX folder's
/// train.csv (85.5 / 9.5 / 5 split, time order by default), evaluates them with the seed's metrics,
/// and writes report.md, metrics.json and charts/*.png. --lr, --embedding-l2 and --id-dropout take
/// comma-separated lists: every combination is trained and the best validation AUC is kept.
/// </summary>
public sealed class OfflineCommand : ICommand
{
    public string[] Words => ["offline"];

    public string Usage => "offline --data DIR [--models mf,mlp,ncf,lgbm,lr] [--rows N] [--split time|random] [--out DIR] [--epochs 10] [--patience 2] " +
        $"[--batch 512] [--lr {DefaultLearningRates}] [--embedding-l2 {DefaultEmbeddingL2}] [--id-dropout {DefaultIdDropout}] [--min-count {DefaultMinCount}] " +
        $"[--init-std {DefaultInitStd}] [--lr-l2 {string.Join(",", LogisticRegressionBaseline.DefaultL2Grid)}] " +
        "[--n-dim 10] [--seed 42] [--dense] [--bf16] [--threads 1] [--lgbm-rows 1000000]";

    // chosen on data/small and the first 20,000 rows of data/full (docs/model.md)
    const string DefaultLearningRates = "0.001,0.003";
    const string DefaultEmbeddingL2 = "0.0001";
    const string DefaultIdDropout = "0.2";
    const int DefaultMinCount = 2;
    const double DefaultInitStd = 0.01;

    static double[] Doubles(Args args, string name, string fallback) =>
        args.Get(name, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double x) ? x
                : throw new UsageException($"--{name}: '{v}' is not a number")).ToArray();

    public Task<int> RunAsync(Args args, CancellationToken ct)
    {
        string data = args.Required("data");
        string split = args.Get("split", "time");
        if (split is not ("time" or "random")) throw new UsageException("--split must be time or random");
        var models = args.Get("models", "mf,mlp,ncf,lgbm,lr").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = models.Except(OfflineOptions.KnownModels).ToList();
        if (unknown.Count > 0 || models.Length == 0) throw new UsageException($"unknown model(s) {string.Join(",", unknown)}; choose from {string.Join(",", OfflineOptions.KnownModels)}");
        string outDir = args.Get("out", Path.Combine("reports", $"offline-{Path.GetFileName(Path.TrimEndingDirectorySeparator(data))}-{split}"));
        var training = new TrainingConfig
        {
            MaxEpochs = (int)args.Long("epochs", 10),
            Patience = (int)args.Long("patience", 2),
            BatchSize = (int)args.Long("batch", 512),
            Seed = (int)args.Long("seed", 42),
            RowSparse = !args.Has("dense"),
            Bf16Mlp = args.Has("bf16"),
        };
        int nDim = (int)args.Long("n-dim", 10);
        int lgbmRows = (int)args.Long("lgbm-rows", 1_000_000);
        int maxRows = (int)args.Long("rows", 0);
        var learningRates = Doubles(args, "lr", DefaultLearningRates);
        var embeddingL2s = Doubles(args, "embedding-l2", DefaultEmbeddingL2);
        var idDropouts = Doubles(args, "id-dropout", DefaultIdDropout);
        var lrL2Grid = Doubles(args, "lr-l2", string.Join(",", LogisticRegressionBaseline.DefaultL2Grid.Select(x => x.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .Select(x => (float)x).ToArray();
        int minCount = (int)args.Long("min-count", DefaultMinCount);
        double initStd = args.Double("init-std", DefaultInitStd);
        // one intra-op thread by default (see TrainBenchmark): robust on a shared machine
        int threads = (int)args.Long("threads", 1);
        args.RejectUnknown();
        if (!Directory.Exists(data)) throw new UsageException($"no folder {data}");
        if (maxRows < 0) throw new UsageException("--rows must be >= 0 (0: every row)");
        if (minCount < 1) throw new UsageException("--min-count must be >= 1");
        if (initStd <= 0) throw new UsageException("--init-std must be > 0");
        if (learningRates.Length == 0 || embeddingL2s.Length == 0 || idDropouts.Length == 0 || lrL2Grid.Length == 0)
            throw new UsageException("--lr, --embedding-l2, --id-dropout and --lr-l2 need at least one value");
        try
        {
            foreach (var t in from lr in learningRates from l2 in embeddingL2s from d in idDropouts select training with { LearningRate = lr, EmbeddingL2 = l2, IdDropout = d })
                t.Validate();
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        if (threads > 0) torch.set_num_threads(threads);

        var options = new OfflineOptions(data, outDir, models, split == "time", nDim, [10, 50], 0.5, training, lgbmRows)
        {
            MaxRows = maxRows,
            MinCount = minCount,
            InitStd = initStd,
            LearningRates = learningRates,
            EmbeddingL2s = embeddingL2s,
            IdDropouts = idDropouts,
            LrL2Grid = lrL2Grid,
        };
        var clock = Stopwatch.StartNew();
        var log = Console.Out;
        var dataset = OfflineData.Load(data, options.TimeSplit, training.Seed, log, ct, maxRows);
        log.WriteLine($"split {split}: train {dataset.Train.Count:N0}, validation {dataset.Valid.Count:N0}, test {dataset.Test.Count:N0}");

        var lists = OfflineLists.Load(options, ct);
        var runner = new OfflineRunner(options, log);
        var outcomes = new List<ModelOutcome>();
        var failures = new Dictionary<string, string>();
        foreach (var m in models)
        {
            // one model failing (e.g. LightGBM's loader on very large data) must not lose the others' results
            try
            {
                outcomes.Add(runner.Run(m, dataset, ct, (name, bundle) => lists?.AddModel(name, bundle, log)));
                if (m == "lgbm") lists?.NotRanked(m, "its scores come from one FitPredict of the rows it is given; it keeps no model to rank songs with");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures[m] = $"{e.GetType().Name}: {e.Message}";
                Console.Error.WriteLine($"{m} failed: {e}");
            }
        }
        if (outcomes.Count == 0) throw new InvalidOperationException("every model failed: " + string.Join("; ", failures.Select(f => $"{f.Key}: {f.Value}")));
        ModelOutcome? truth = dataset.TestTruth is { } p ? new ModelOutcome("truth", runner.Evaluate(dataset, p), [], 0, "the generator's true probabilities") : null;
        if (truth is not null) log.WriteLine($"best reachable test AUC (truth): {truth.Test.Auc:F4}");

        var charts = OfflineCharts.Write(Path.Combine(outDir, "charts"), outcomes);
        OfflineReport.Write(outDir, options, dataset, outcomes, truth, failures, charts, clock.Elapsed.TotalSeconds, runner.InputSummary);
        if (lists is not null)
        {
            lists.AddBaselines(log);
            lists.AppendTo(outDir);
        }
        log.WriteLine($"wrote {Path.Combine(outDir, "report.md")}, metrics.json and {charts.Count} charts in {clock.Elapsed.TotalSeconds:F0} s");
        return Task.FromResult(failures.Count == 0 ? 0 : 1);
    }
}
