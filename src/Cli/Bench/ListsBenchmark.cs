using System.Diagnostics;
using KkboxNcf.Cli.DataCommands;
using KkboxNcf.Cli.Lists;
using KkboxNcf.Data;
using KkboxNcf.Data.Synth;
using KkboxNcf.Model.Lists;
using KkboxNcf.Scorer;
using KkboxNcf.Trainer;

namespace KkboxNcf.Cli.Bench;

/// <summary>
/// `kkbox bench lists [--data DIR]`: the lists the served pipeline writes (the Trainer's online
/// learner fed the first 95% of train.csv in order, the Scorer's ranking with heard songs left out)
/// judged by ListEvaluation on the last 5%, beside every baseline in the same run (docs/lists.md).
/// Value: the served model's HR@10; reference: the best popularity baseline's; target: 1.5 x that and
/// above every baseline's HR@10 (the NDCG@10 and personalisation targets are in details).
/// </summary>
public sealed class ListsBenchmark : IBenchmark
{
    public string Name => "lists";

    public string Description => "HR@10, NDCG@10, Recall@50, MRR, coverage and personalisation of the served model's lists (Trainer + Scorer) beside random, popularity and item-item baselines, time split 95/5 of data/small";

    // `bench all` runs it on data/small, the size the targets are set on
    public bool ReadsData => false;

    /// <summary>Replay weights of the final score tried on validation (Scorer:ReplayWeight).</summary>
    static readonly double[] ReplayWeights = [0, 0.25, 0.5, 1];

    /// <summary>Popularity weights of the final score tried on validation (Scorer:PopularityWeight).</summary>
    static readonly double[] PopularityWeights = [0, 0.5, 1, 2];

    /// <summary>Co-listen weights of the final score tried on validation (Scorer:CoListenWeight).</summary>
    static readonly double[] CoListenWeights = [0, 8, 16, 32, 64];

    public Task<BenchResult> RunAsync(Args args, CancellationToken ct)
    {
        string dir = args.Get("data", Path.Combine("data", "small"));
        double trainShare = args.Double("train-share", 0.95);
        int? window = args.Has("window") ? (int)args.Long("window", 0) : null;
        // the served pipeline's settings: the Trainer's and Scorer's defaults unless given
        var trainer = new TrainerSettings();
        trainer.LearningRate = args.Double("lr", trainer.LearningRate);
        trainer.StepBatchSize = (int)args.Long("step-batch", trainer.StepBatchSize);
        trainer.BatchSize = (int)args.Long("batch-size", trainer.BatchSize);
        trainer.ListenDim = (int)args.Long("listen-dim", trainer.ListenDim);
        trainer.HistoryLength = (int)args.Long("history", trainer.HistoryLength);
        trainer.Seed = (int)args.Long("seed", trainer.Seed);
        double[] weights = args.Has("replay-weight") ? [args.Double("replay-weight", 0)] : ReplayWeights;
        double[] popularityWeights = args.Has("popularity-weight") ? [args.Double("popularity-weight", 0)] : PopularityWeights;
        // the neighbours kept per song: the Scorer's default unless given (a member's co-listen score costs K
        // sums per recent song, so K is not searched by default; docs/lists.md has the values tried); a comma
        // list is chosen on validation
        double[] neighbourCounts = args.Has("neighbours")
            ? args.Get("neighbours", "").Split(',').Select(v => int.TryParse(v, out int n) ? n : throw new UsageException($"--neighbours takes whole numbers separated by commas, got \"{v}\"")).Select(n => (double)n).ToArray()
            : [new ScorerSettings().Neighbours];
        double[] coListenWeights = args.Has("colisten-weight") ? [args.Double("colisten-weight", 0)] : CoListenWeights;
        args.RejectUnknown();
        // the Trainer's and Scorer's own checks, so a bad --lr or weight says which and why before any work
        var problems = trainer.Validate()
            .Concat(weights.SelectMany(w => new ScorerSettings { ReplayWeight = w }.Validate()))
            .Concat(popularityWeights.SelectMany(w => new ScorerSettings { PopularityWeight = w }.Validate()))
            .Concat(coListenWeights.SelectMany(w => new ScorerSettings { CoListenWeight = w }.Validate()))
            .Concat(neighbourCounts.SelectMany(n => new ScorerSettings { Neighbours = (int)n }.Validate())).ToList();
        if (problems.Count > 0) throw new UsageException(string.Join("; ", problems));
        if (dir == Path.Combine("data", "small")) SynthCommand.EnsureGenerated(SynthSize.Small, dir, ct);
        if (!File.Exists(Path.Combine(dir, "train.csv"))) throw new UsageException($"{dir} has no train.csv");

        var clock = Stopwatch.StartNew();
        var listens = KkboxReader.ReadListens(Path.Combine(dir, "train.csv"), new ReadReport(), ct, internSongIds: true).ToList();
        var evaluation = ListEvaluation.TimeSplit(listens, trainShare);
        int windowListens = window ?? Math.Max(1, evaluation.Test.Count);
        var metadata = ServedModelRecommender.ReadMetadata(dir, ct);
        Console.WriteLine($"{dir}: {listens.Count:N0} listens, train {evaluation.Train.Count:N0}, test {evaluation.Test.Count:N0} " +
            $"({evaluation.JudgedListens:N0} of members seen before, in {evaluation.Requests.Count:N0} member-context lists; " +
            $"{evaluation.UnknownMemberListens:N0} of new members); catalogue {evaluation.CatalogueSize:N0} songs; read in {clock.Elapsed.TotalSeconds:F1} s");

        var baselines = new List<ListScores>();
        var popularity = new List<ListScores>();
        foreach (var b in ListsTable.Baselines(windowListens))
        {
            var s = evaluation.Evaluate(b);
            Print(s);
            baselines.Add(s);
            if (ListsTable.IsPopularity(b)) popularity.Add(s);
        }
        // the final score's weights, chosen on validation (the last part of the train rows as a test of a
        // model trained on the rows before them; one model, ranked again for each setting), one after the
        // other in the order of the steps, each with the weights chosen before it and the later ones off
        var inner = ListEvaluation.TimeSplit(evaluation.Train, trainShare);
        var defaults = new ScorerSettings();
        var chosen = new Dictionary<string, double> { ["replay"] = 0, ["popularity"] = 0, ["colisten"] = 0, ["neighbours"] = defaults.Neighbours };
        ScorerSettings Settings() => new()
        {
            ExcludeHeard = true, ReplayWeight = chosen["replay"], PopularityWeight = chosen["popularity"],
            CoListenWeight = chosen["colisten"], CoListenCandidates = chosen["colisten"] > 0 ? defaults.CoListenCandidates : 0, Neighbours = (int)chosen["neighbours"],
        };
        var validation = new Dictionary<string, List<(double Weight, ListScores Scores)>>();
        using (var validationModel = new ServedModelRecommender(metadata, trainer))
        {
            ListScores? current = null;
            foreach (var (step, grid) in new[] { ("replay", weights), ("popularity", popularityWeights), ("colisten", coListenWeights), ("neighbours", neighbourCounts) })
            {
                // the co-listen neighbours' K matters only with the term on
                if (step == "neighbours" && chosen["colisten"] == 0) continue;
                if (grid.Length == 1)
                {
                    chosen[step] = grid[0];
                    current = null;
                    continue;
                }
                var rows = validation[step] = [];
                double before = chosen[step];
                foreach (double w in grid)
                {
                    // the value this step had so far (a weight's 0) is the setting validated last, when there was one
                    var v = w == before ? current : null;
                    if (v is null)
                    {
                        chosen[step] = w;
                        validationModel.Scorer = Settings();
                        v = inner.Evaluate(validationModel);
                    }
                    rows.Add((w, v));
                    Console.WriteLine($"validation, {step} {w}: HR@10 {v.HitRate10:F4}, NDCG@10 {v.Ndcg10:F4}");
                }
                var best = rows.OrderByDescending(v => v.Scores.HitRate10).ThenByDescending(v => v.Scores.Ndcg10).First();
                (chosen[step], current) = (best.Weight, best.Scores);
                Console.WriteLine($"{step} chosen on validation: {best.Weight}");
            }
        }
        var scorer = Settings();
        ListScores served;
        double onlineAuc;
        using (var model = new ServedModelRecommender(metadata, trainer, scorer))
        {
            served = evaluation.Evaluate(model);
            onlineAuc = model.OnlineAuc;
        }
        Print(served);
        Console.WriteLine($"served model: online AUC over the train listens {onlineAuc:F4}");

        var bestPopular = popularity.MaxBy(s => s.HitRate10)!;
        var bestBaseline = baselines.MaxBy(s => s.HitRate10)!;
        var bestNdcg = baselines.MaxBy(s => s.Ndcg10)!;
        double Ratio(double a, double b) => b == 0 ? double.NaN : a / b;
        var targets = new Dictionary<string, object>
        {
            ["hr10_above_every_baseline"] = served.HitRate10 > bestBaseline.HitRate10,
            ["ndcg10_above_every_baseline"] = served.Ndcg10 > bestNdcg.Ndcg10,
            ["hr10_at_least_1.5x_best_popularity"] = served.HitRate10 >= 1.5 * bestPopular.HitRate10,
            ["personalisation_at_least_0.9"] = served.Personalisation >= 0.9,
        };
        targets["all_met"] = targets.Values.All(v => (bool)v);
        Console.WriteLine();
        Console.Write(ListsTable.Markdown([.. baselines, served]));
        Console.WriteLine($"model / best popularity ({bestPopular.Name}): HR@10 {Ratio(served.HitRate10, bestPopular.HitRate10):F2}, NDCG@10 {Ratio(served.Ndcg10, bestPopular.Ndcg10):F2}; " +
            $"model / best baseline ({bestBaseline.Name}): HR@10 {Ratio(served.HitRate10, bestBaseline.HitRate10):F2}, NDCG@10 {Ratio(served.Ndcg10, bestNdcg.Ndcg10):F2}");

        var details = new Dictionary<string, object>
        {
            ["data"] = dir,
            ["protocol"] = $"time split: first {trainShare:P0} of train.csv rows (in order) to learn from, the rest to judge; one list of {ListEvaluation.ListLength} per (test member seen before the split, context of their later listens) over the {evaluation.CatalogueSize:N0} songs of the train rows, heard songs left out; each later listen is a hit when its song is in its list (docs/lists.md)",
            ["listens_train"] = evaluation.Train.Count,
            ["listens_test"] = evaluation.Test.Count,
            ["listens_judged"] = evaluation.JudgedListens,
            ["listens_of_new_members"] = evaluation.UnknownMemberListens,
            ["lists"] = evaluation.Requests.Count,
            ["catalogue_songs"] = evaluation.CatalogueSize,
            ["trailing_window_listens"] = windowListens,
            ["served_model"] = $"OnlineTrainer ({trainer.Model}, n_dim {trainer.NDim}, listen head {trainer.ListenDim} with {trainer.HistoryLength} recent songs, lr {trainer.LearningRate}, micro-batch {trainer.BatchSize}, step batch {trainer.StepBatchSize}, label delay {trainer.LabelDelay}), " +
                $"metadata applied first; ranked by ScoringModel + ListScorer (C {scorer.Candidates}, popular {scorer.PopularCandidates}, rising {scorer.RisingCandidates}, prior {scorer.PriorCandidates}, weights chosen on validation in this order: replay {scorer.ReplayWeight}, popularity {scorer.PopularityWeight}, co-listen {scorer.CoListenWeight} (with {scorer.CoListenCandidates} co-listen candidates, {scorer.Neighbours} neighbours per song)) with ExcludeHeard",
            ["served_online_auc"] = onlineAuc,
            ["replay_weight"] = scorer.ReplayWeight,
            ["popularity_weight"] = scorer.PopularityWeight,
            ["colisten_weight"] = scorer.CoListenWeight,
            ["weight_validation"] = validation.ToDictionary(v => v.Key, v => v.Value.Select(r => new Dictionary<string, object> { ["weight"] = r.Weight, ["hr_at_10"] = r.Scores.HitRate10, ["ndcg_at_10"] = r.Scores.Ndcg10 }).ToList()),
            ["baselines"] = baselines,
            ["served"] = served,
            ["best_popularity"] = bestPopular.Name,
            ["best_baseline_hr10"] = bestBaseline.Name,
            ["ratio_hr10_model_over_best_popularity"] = Ratio(served.HitRate10, bestPopular.HitRate10),
            ["ratio_ndcg10_model_over_best_popularity"] = Ratio(served.Ndcg10, bestPopular.Ndcg10),
            ["ratio_hr10_model_over_best_baseline"] = Ratio(served.HitRate10, bestBaseline.HitRate10),
            ["ratio_ndcg10_model_over_best_baseline"] = Ratio(served.Ndcg10, bestNdcg.Ndcg10),
            ["targets"] = targets,
            ["total_seconds"] = clock.Elapsed.TotalSeconds,
            ["note"] = "list metrics do not depend on the machine's load; only the seconds do",
        };
        double target = Math.Max(1.5 * bestPopular.HitRate10, bestBaseline.HitRate10);
        return Task.FromResult(new BenchResult(Name, Math.Round(served.HitRate10, 5), "HR@10 of the served model's lists",
            $"HR@10 of the best popularity list ({bestPopular.Name}); model / best baseline ({bestBaseline.Name}, HR@10 {bestBaseline.HitRate10:F4}): " +
            $"HR@10 {Ratio(served.HitRate10, bestBaseline.HitRate10):F2}, NDCG@10 {Ratio(served.Ndcg10, bestNdcg.Ndcg10):F2}; personalisation {served.Personalisation:F2} (target 0.9); " +
            $"target: 1.5 x the popularity list and above every baseline",
            Math.Round(bestPopular.HitRate10, 5), Math.Round(target, 5), HigherIsBetter: true, Details: details));
    }

    static void Print(ListScores s) =>
        Console.WriteLine($"{s.Name}: HR@10 {s.HitRate10:F4}, NDCG@10 {s.Ndcg10:F4}, Recall@50 {s.Recall50:F4}, MRR {s.Mrr:F4}, " +
            $"coverage {s.Coverage:F4}, personalisation {s.Personalisation:F4} ({s.FitSeconds:F1} s fit, {s.RecommendSeconds:F1} s for {s.Lists:N0} lists)");
}
