using System.Diagnostics;
using KkboxNcf.Data;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;
using KkboxNcf.Scorer;
using KkboxNcf.Scorer.Members;
using KkboxNcf.Scorer.Scoring;

namespace KkboxNcf.Cli.Bench;

/// <summary>
/// `kkbox bench recall`: how much the Scorer's candidate stage loses against an exhaustive full-NCF
/// ranking (issue 6, item 3), on a model that learned something. An untrained NCF says little: its
/// full score is dominated by the same random dot product the candidate stage uses. So the NCF is
/// trained on the data's labelled listens (time split, as the Trainer would see them) and the recall@K
/// of a sample of members is measured for several candidate settings (C dot-product candidates plus
/// popular and rising songs), on the untrained model (the earlier measurement) and on the trained one.
/// </summary>
public sealed class RecallBenchmark : IBenchmark
{
    public string Name => "recall";

    public string Description => "candidate-stage recall@50 vs an exhaustive full-NCF ranking on a trained NCF, for several candidate settings";

    // `bench all` runs it on data/small (seconds); `--data data/full` is a run of its own (training on 7M listens)
    public bool ReadsData => false;

    public Task<BenchResult> RunAsync(Args args, CancellationToken ct)
    {
        string dir = args.Get("data", Path.Combine("data", "small"));
        int k = (int)args.Long("k", 50);
        int sampleSize = (int)args.Long("sample", 100);
        int epochs = (int)args.Long("epochs", 3);
        int batch = (int)args.Long("batch", 2048);
        var configs = ParseConfigs(args.Get("configs", "100:25:25:0,400:25:25:0,100:100:25:0,50:25:25:50,100:25:25:100,50:25:25:100,50:25:25:200"));
        args.RejectUnknown();
        var defaults = new ScorerSettings();
        var scorerDefault = (defaults.Candidates, defaults.PopularCandidates, defaults.RisingCandidates, defaults.PriorCandidates);
        if (!configs.Contains(scorerDefault)) configs.Insert(0, scorerDefault);
        if (configs.Any(c => c.C < k)) throw new UsageException($"every configuration needs C >= k ({k})");

        double loadStart = ScoreBenchmark.LoadAverage();
        var clock = Stopwatch.StartNew();
        var work = ScoringWorkload.Load(dir, 8, ct);
        var space = work.Space;
        var labelled = KkboxReader.ReadListens(Path.Combine(dir, "train.csv"), new ReadReport(), ct, internSongIds: true).Where(l => l.HasLabel).ToList();
        var split = DataSplit.ByTime(labelled.Count);
        // the workload's space already holds every member, song and context of train.csv: nothing grows
        var train = space.Encode(split.Train.Select(i => labelled[i]).ToList(), grow: false);
        var valid = space.Encode(split.Valid.Select(i => labelled[i]).ToList(), grow: false);
        Console.WriteLine($"{dir}: {labelled.Count:N0} labelled listens ({train.Count:N0} train, {valid.Count:N0} validation), " +
            $"{space[Field.User].Count - 1:N0} members, {space[Field.Song].Count - 1:N0} songs; read in {clock.Elapsed.TotalSeconds:F1} s");

        var rng = new Random(5);
        var fallback = defaults.Fallback;
        var sample = work.Activity.Members.Order(StringComparer.Ordinal).OrderBy(_ => rng.Next()).Take(sampleSize)
            .Select(m => work.Activity.ToScore(m, fallback)).ToList();

        using var model = ModelFactory.Create(ModelShape.For(ModelKind.Ncf, space), seed: 1);
        var bundle = new ModelBundle(space, model);
        var untrained = MeasureAll("untrained", bundle, work.Trends, configs, sample, k);

        var config = new TrainingConfig { MaxEpochs = epochs, BatchSize = batch, Patience = 1, Seed = 42 };
        var trainClock = Stopwatch.StartNew();
        IReadOnlyList<EpochResult> fitted;
        using (var fitter = new ModelFitter(model, config)) fitted = fitter.Fit(train, valid, ct: ct);
        double trainSeconds = trainClock.Elapsed.TotalSeconds;
        foreach (var e in fitted)
            Console.WriteLine($"epoch {e.Epoch}: train loss {e.TrainLoss:F4}, validation loss {e.ValidLoss:F4}{(e.Improved ? " (best)" : "")}");
        var trained = MeasureAll("trained", bundle, work.Trends, configs, sample, k);

        var best = fitted.Where(e => e.Improved).LastOrDefault() ?? fitted[^1];
        var details = new Dictionary<string, object>
        {
            ["data"] = dir,
            ["members"] = space[Field.User].Count - 1,
            ["songs"] = space[Field.Song].Count - 1,
            ["k"] = k,
            ["sample_members"] = sample.Count,
            ["method"] = "recall@K = share of the exhaustive top K (full NCF over every song, member's usual context) that the two-stage list also holds; mean and min over the sample",
            ["training"] = $"NCF n_dim 10 trained on the first 85.5% of the labelled listens (time order), up to {epochs} epochs, batch {batch}, row-sparse LazyAdam, early stop on the next 9.5%",
            ["train_seconds"] = Math.Round(trainSeconds, 1),
            ["validation_log_loss_best"] = Math.Round(best.ValidLoss, 4),
            ["validation_log_loss_untrained_start"] = fitted.Count > 0 ? Math.Round(fitted[0].ValidLoss, 4) : double.NaN,
            ["scorer_default"] = Label(scorerDefault),
            ["untrained"] = untrained.ToDictionary(r => Label(r.Config), r => (object)r.Summary()),
            ["trained"] = trained.ToDictionary(r => Label(r.Config), r => (object)r.Summary()),
            ["load_average_1m_start"] = loadStart,
            ["load_average_1m_end"] = ScoreBenchmark.LoadAverage(),
            ["note"] = "recall does not depend on the machine's load; only the seconds do",
        };
        var atDefault = trained.First(r => r.Config == scorerDefault);
        var untrainedAtDefault = untrained.First(r => r.Config == scorerDefault);
        Console.WriteLine($"recall@{k} at the Scorer's default ({Label(scorerDefault)}): trained {atDefault.Result.MeanRecall:F3} (min {atDefault.Result.MinRecall:F3}), untrained {untrainedAtDefault.Result.MeanRecall:F3}");
        return Task.FromResult(new BenchResult(Name, Math.Round(atDefault.Result.MeanRecall, 4), $"mean recall@{k} (trained NCF, Scorer defaults)",
            "same with the untrained NCF", Math.Round(untrainedAtDefault.Result.MeanRecall, 4), Target: 0.9, HigherIsBetter: true, Details: details));
    }

    sealed record Measured((int C, int Popular, int Rising, int Prior) Config, CandidateRecall.Result Result, double TwoStageMsPerMember)
    {
        public Dictionary<string, object> Summary() => new()
        {
            ["recall_mean"] = Math.Round(Result.MeanRecall, 4),
            ["recall_min"] = Math.Round(Result.MinRecall, 4),
            ["two_stage_ms_per_member"] = Math.Round(TwoStageMsPerMember, 2),
        };
    }

    static List<Measured> MeasureAll(string label, ModelBundle bundle, SongTrends trends, List<(int C, int Popular, int Rising, int Prior)> configs,
        List<MemberToScore> sample, int k)
    {
        var results = new List<Measured>();
        foreach (var c in configs)
        {
            // a fresh ScoringModel per setting: it caches each member's candidates, which depend on C
            var scoring = new ScoringModel(0, bundle, ownsModel: false);
            try
            {
                var scorer = new ListScorer(new ScoringOptions(k, c.C, PriorCandidates: c.Prior));
                IReadOnlyList<string> extras = [.. trends.Popular(c.Popular), .. trends.Rising(c.Rising)];
                var clock = Stopwatch.StartNew();
                var r = CandidateRecall.Measure(scoring, scorer, sample, extras);
                double twoStageMs = (clock.Elapsed.TotalSeconds - r.ExhaustiveSeconds) * 1000 / Math.Max(1, r.Members);
                Console.WriteLine($"{label} {Label(c)}: recall@{k} mean {r.MeanRecall:F3}, min {r.MinRecall:F3} over {r.Members} members");
                results.Add(new Measured(c, r, twoStageMs));
            }
            finally
            {
                scoring.Dispose();
            }
        }
        return results;
    }

    static string Label((int C, int Popular, int Rising, int Prior) c) => $"C={c.C},popular={c.Popular},rising={c.Rising},prior={c.Prior}";

    static List<(int C, int Popular, int Rising, int Prior)> ParseConfigs(string text)
    {
        var list = new List<(int, int, int, int)>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = part.Split(':');
            if (f.Length != 4 || !int.TryParse(f[0], out int c) || !int.TryParse(f[1], out int p) || !int.TryParse(f[2], out int r)
                || !int.TryParse(f[3], out int prior) || c < 1 || p < 0 || r < 0 || prior < 0)
                throw new UsageException($"--configs takes C:popular:rising:prior,... (e.g. 100:25:25:100), got '{part}'");
            list.Add((c, p, r, prior));
        }
        if (list.Count == 0) throw new UsageException("--configs is empty");
        return list;
    }
}
