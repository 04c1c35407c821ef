using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KkboxNcf.Model.Features;

namespace KkboxNcf.Cli.Offline;

/// <summary>Writes report.md (tables, charts, a reading of the numbers) and metrics.json (every number).</summary>
public static class OfflineReport
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static void Write(string dir, OfflineOptions options, OfflineData data, IReadOnlyList<ModelOutcome> models, ModelOutcome? truth,
        IReadOnlyDictionary<string, string> failures, IReadOnlyList<string> charts, double totalSeconds, string? inputs = null)
    {
        Directory.CreateDirectory(dir);
        var json = new Dictionary<string, object?>
        {
            ["data"] = Path.GetFullPath(options.DataDir),
            ["split"] = options.TimeSplit ? "time" : "random",
            ["examples"] = new { train = data.Train.Count, valid = data.Valid.Count, test = data.Test.Count },
            ["cardinalities"] = data.Space.Cardinalities,
            ["unseen_in_valid_and_test"] = data.Unseen,
            ["model_inputs"] = inputs,
            ["rows_rejected"] = data.Report.TotalRejected,
            ["training"] = options.Training,
            ["n_dim"] = options.NDim,
            ["threshold"] = options.Threshold,
            ["best_reachable"] = truth,
            ["models"] = models,
            ["failed_models"] = failures,
            ["seconds"] = totalSeconds,
        };
        File.WriteAllText(Path.Combine(dir, "metrics.json"), JsonSerializer.Serialize(json, Json));
        File.WriteAllText(Path.Combine(dir, "report.md"), Markdown(options, data, models, truth, failures, charts, totalSeconds, inputs));
    }

    static string F(double x) => double.IsNaN(x) ? "n/a" : x.ToString("F4", CultureInfo.InvariantCulture);

    static string Markdown(OfflineOptions o, OfflineData data, IReadOnlyList<ModelOutcome> models, ModelOutcome? truth,
        IReadOnlyDictionary<string, string> failures, IReadOnlyList<string> charts, double totalSeconds, string? inputs)
    {
        var md = new StringBuilder();
        md.AppendLine("# Offline evaluation");
        md.AppendLine();
        md.AppendLine($"Data `{o.DataDir}`; {(o.TimeSplit ? "time-ordered split (row order is the clock)" : "random split (the seed's; leaks the future)")}: " +
            $"train {data.Train.Count:N0}, validation {data.Valid.Count:N0}, test {data.Test.Count:N0} examples " +
            $"({data.Test.Column(Field.User).Distinct().Count():N0} members in test). {data.Report.TotalRejected:N0} input rows rejected. Run took {totalSeconds:F0} s.");
        if (data.Unseen.Count > 0)
            md.AppendLine($"Values in validation/test absent from the metadata files and the train rows (mapped to the unknown row): {string.Join(", ", data.Unseen.Select(u => $"{u.Key} {u.Value:N0}"))}.");
        if (inputs is not null) md.AppendLine(inputs);
        foreach (var (name, error) in failures) md.AppendLine($"**{name} failed** and is missing below: {error}");
        md.AppendLine();
        md.AppendLine("## Test metrics");
        md.AppendLine();
        md.AppendLine("Global metrics over all test rows; per-member metrics are means over members (top-k: each member's test rows ranked by score, threshold " +
            $"{o.Threshold}; members whose top k hold one class only have no AUC and are left out of its mean).");
        md.AppendLine();
        var rows = models.ToList();
        if (truth is not null) rows.Add(truth);
        md.AppendLine("| model | ROC AUC | gap to best closed | mean member AUC | log loss | RMSE | MAE | " +
            string.Join(" | ", o.Ks.Select(k => $"acc@{k} | prec@{k} | rec@{k} | F1@{k} | AUC@{k}")) + " |");
        md.AppendLine("|---" + string.Concat(Enumerable.Repeat("|---", 6 + 5 * o.Ks.Length)) + "|");
        foreach (var m in rows)
        {
            var t = m.Test;
            string gap = truth is null || m == truth ? "" : F((t.Auc - 0.5) / (truth.Test.Auc - 0.5));
            md.AppendLine($"| {m.Name} | {F(t.Auc)} | {gap} | {F(t.MeanMemberAuc)} | {F(t.LogLoss)} | {F(t.Rmse)} | {F(t.Mae)} | " +
                string.Join(" | ", o.Ks.Select(k => t.TopK[k]).Select(s =>
                    $"{F(s.Accuracy.Mean)} | {F(s.Precision.Mean)} | {F(s.Recall.Mean)} | {F(s.F1.Mean)} | {F(s.Auc.Mean)}")) + " |");
        }
        if (truth is not null)
            md.AppendLine().AppendLine("`truth` scores the test rows with the generator's true probabilities: the best any model could reach on this data.");
        md.AppendLine();
        md.AppendLine("## Reading");
        md.AppendLine();
        foreach (var line in Reading(o, models, truth)) md.AppendLine($"- {line}");
        md.AppendLine();
        md.AppendLine("## Training");
        md.AppendLine();
        foreach (var m in models)
        {
            md.AppendLine($"- **{m.Name}** ({m.Settings}; {m.TrainSeconds:F0} s): " + (m.Epochs.Count == 0 ? "" :
                string.Join("; ", m.Epochs.Select(e => $"epoch {e.Epoch} train {F(e.TrainLoss)} / valid {F(e.ValidLoss)}, valid AUC {F(e.ValidAuc)}{(e.Improved ? "*" : "")}"))));
        }
        md.AppendLine();
        md.AppendLine("(* = best validation AUC so far; training stops after the patience runs out and keeps the best epoch's weights. " +
            "A neural model's line is its chosen setting's; the settings tried and their validation AUCs follow the chosen ones.)");
        md.AppendLine();
        md.AppendLine("## Charts");
        md.AppendLine();
        foreach (var c in charts) md.AppendLine($"![{Path.GetFileNameWithoutExtension(c)}](charts/{Path.GetFileName(c)})");
        return md.ToString();
    }

    /// <summary>Plain statements drawn from the numbers: which model wins which metric, and how close to the best reachable.</summary>
    static IEnumerable<string> Reading(OfflineOptions o, IReadOnlyList<ModelOutcome> models, ModelOutcome? truth)
    {
        if (models.Count == 0) yield break;
        string Best(Func<ModelOutcome, double> metric, bool higher)
        {
            var valid = models.Where(m => !double.IsNaN(metric(m))).ToList();
            if (valid.Count == 0) return "n/a";
            var best = higher ? valid.MaxBy(metric)! : valid.MinBy(metric)!;
            var second = valid.Where(m => m != best).Select(metric).DefaultIfEmpty(double.NaN);
            double runnerUp = higher ? second.Max() : second.Min();
            return $"{best.Name} ({F(metric(best))}{(double.IsNaN(runnerUp) ? "" : $", next {F(runnerUp)}")})";
        }
        yield return $"Global ROC AUC: best {Best(m => m.Test.Auc, true)}; log loss: best {Best(m => m.Test.LogLoss, false)}; RMSE: best {Best(m => m.Test.Rmse, false)}.";
        yield return $"Mean per-member AUC: best {Best(m => m.Test.MeanMemberAuc, true)}.";
        foreach (int k in o.Ks)
            yield return $"Top {k}: F1 best {Best(m => m.Test.TopK[k].F1.Mean, true)}, AUC best {Best(m => m.Test.TopK[k].Auc.Mean, true)}, " +
                $"accuracy best {Best(m => m.Test.TopK[k].Accuracy.Mean, true)}.";
        if (truth is not null)
        {
            foreach (var m in models)
                yield return $"{m.Name} closes {(m.Test.Auc - 0.5) / (truth.Test.Auc - 0.5):P0} of the gap from 0.5 to the best reachable AUC {F(truth.Test.Auc)}.";
        }
        var spread = models.Select(m => m.Test.Auc).Where(a => !double.IsNaN(a)).ToList();
        if (spread.Count > 1 && spread.Max() - spread.Min() < 0.005)
            yield return "The global AUCs lie within 0.005 of each other: on this test set the models are close to a tie.";
        yield return "Top-k precision and recall depend on the 0.5 threshold and on how many positives a member's top k holds; " +
            "AUC and log loss are the threshold-free comparisons.";
    }
}
