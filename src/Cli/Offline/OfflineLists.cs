using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KkboxNcf.Cli.Lists;
using KkboxNcf.Data;
using KkboxNcf.Model.Lists;
using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;

namespace KkboxNcf.Cli.Offline;

/// <summary>
/// The lists section of `kkbox offline` (docs/lists.md): the list protocol on the runner's time split
/// (learn from train + validation, the first 95% of the rows; judge on the test 5%), each model that
/// can rank beside every baseline. ncf and mf rank as the Scorer does (ScoringModel + ListScorer, heard
/// songs left out); mlp re-ranks the 250 songs played most before the split; lgbm is not ranked (its
/// scores exist only for the rows it was asked about). The models were fitted on the train rows only.
/// A random split has no "before", so it gets no lists.
/// </summary>
public sealed class OfflineLists
{
    readonly ListEvaluation _evaluation;
    readonly List<ListScores> _models = [];
    readonly List<ListScores> _baselines = [];
    readonly Dictionary<string, string> _notRanked = new(StringComparer.Ordinal);

    OfflineLists(ListEvaluation evaluation) => _evaluation = evaluation;

    /// <summary>The labelled listens of the folder in the runner's time split (null for a random split).</summary>
    public static OfflineLists? Load(OfflineOptions options, CancellationToken ct)
    {
        if (!options.TimeSplit) return null;
        var labelled = KkboxReader.ReadListens(Path.Combine(options.DataDir, "train.csv"), new ReadReport(), ct, internSongIds: true)
            .Where(l => l.HasLabel);
        // the rows the models see (--rows)
        var listens = (options.MaxRows > 0 ? labelled.Take(options.MaxRows) : labelled).ToList();
        var split = DataSplit.ByTime(listens.Count);
        int cut = split.Train.Length + split.Valid.Length;
        return new OfflineLists(new ListEvaluation(listens.Take(cut).ToArray(), listens.Skip(cut).ToArray()));
    }

    /// <summary>A fitted model's lists (called while the runner still holds it).</summary>
    public void AddModel(string name, ModelBundle bundle, TextWriter log)
    {
        ListScores scores;
        try
        {
            if (bundle.Model is IDotProductModel)
            {
                using var scorer = new ScorerRecommender($"{name} (Scorer's ranking)", _ => bundle);
                scores = _evaluation.Evaluate(scorer);
            }
            else scores = _evaluation.Evaluate(new PoolRecommender(name, bundle));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // the model's pair metrics stand without its lists
            NotRanked(name, $"ranking failed: {e.GetType().Name}: {e.Message}");
            log.WriteLine($"{name} lists failed: {e}");
            return;
        }
        _models.Add(scores);
        log.WriteLine($"{scores.Name} lists: HR@10 {scores.HitRate10:F4}, NDCG@10 {scores.Ndcg10:F4}, personalisation {scores.Personalisation:F4}");
    }

    public void NotRanked(string name, string why) => _notRanked[name] = why;

    public void AddBaselines(TextWriter log)
    {
        foreach (var b in ListsTable.Baselines(Math.Max(1, _evaluation.Test.Count)))
        {
            var s = _evaluation.Evaluate(b);
            _baselines.Add(s);
            log.WriteLine($"{s.Name} lists: HR@10 {s.HitRate10:F4}, NDCG@10 {s.Ndcg10:F4}, personalisation {s.Personalisation:F4}");
        }
    }

    /// <summary>Adds a "Lists" section to report.md and a "lists" entry to metrics.json (both written by OfflineReport before).</summary>
    public void AppendTo(string dir)
    {
        var e = _evaluation;
        var md = new StringBuilder();
        md.AppendLine();
        md.AppendLine("## Lists");
        md.AppendLine();
        md.AppendLine($"Learnt from the train and validation rows ({e.Train.Count:N0}, the models from the train rows only), judged on the test rows: " +
            $"for each test member seen before ({e.JudgedListens:N0} of {e.Test.Count:N0} test listens) and each context they listen in, one list of " +
            $"{ListEvaluation.ListLength} over the {e.CatalogueSize:N0} songs known before the test rows, heard songs left out; a later listen is a hit when " +
            $"its song is in its list ({e.Requests.Count:N0} lists). ncf and mf rank as the Scorer does (ScoringModel + ListScorer); mlp re-ranks the 250 " +
            "most played songs. See docs/lists.md.");
        md.AppendLine();
        md.Append(ListsTable.Markdown([.. _models, .. _baselines]));
        foreach (var (name, why) in _notRanked) md.AppendLine().AppendLine($"{name}: no lists ({why}).");
        if (_baselines.Count > 0 && _models.Count > 0)
        {
            var best = _baselines.MaxBy(b => b.HitRate10)!;
            var model = _models.MaxBy(m => m.HitRate10)!;
            md.AppendLine();
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"Best model lists: {model.Name}, HR@10 {model.HitRate10:F4}, {(best.HitRate10 > 0 ? model.HitRate10 / best.HitRate10 : double.NaN):F2} x the best baseline ({best.Name}, {best.HitRate10:F4})."));
        }
        File.AppendAllText(Path.Combine(dir, "report.md"), md.ToString());

        string jsonPath = Path.Combine(dir, "metrics.json");
        var root = JsonNode.Parse(File.ReadAllText(jsonPath))!.AsObject();
        root["lists"] = JsonSerializer.SerializeToNode(new Dictionary<string, object>
        {
            ["protocol"] = "docs/lists.md: time split, train + validation rows to learn from, test rows to judge; one list per (known member, context), heard songs left out",
            ["listens_learnt_from"] = e.Train.Count,
            ["listens_test"] = e.Test.Count,
            ["listens_judged"] = e.JudgedListens,
            ["lists"] = e.Requests.Count,
            ["catalogue_songs"] = e.CatalogueSize,
            ["models"] = _models,
            ["baselines"] = _baselines,
            ["not_ranked"] = _notRanked,
        }, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });
        File.WriteAllText(jsonPath, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
