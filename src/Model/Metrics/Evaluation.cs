using System.Text.Json.Serialization;

namespace KkboxNcf.Model.Metrics;

/// <summary>Every test metric of one model: global ones and, per k, the per-member distributions.</summary>
public sealed record Evaluation(
    [property: JsonPropertyName("examples")] int Examples,
    [property: JsonPropertyName("members")] int Members,
    [property: JsonPropertyName("rmse")] double Rmse,
    [property: JsonPropertyName("mae")] double Mae,
    [property: JsonPropertyName("log_loss")] double LogLoss,
    [property: JsonPropertyName("auc")] double Auc,
    [property: JsonPropertyName("mean_member_auc")] double MeanMemberAuc,
    [property: JsonPropertyName("members_with_auc")] int MembersWithAuc,
    [property: JsonPropertyName("top_k")] IReadOnlyDictionary<int, TopKSummary> TopK)
{
    /// <summary>
    /// Evaluates scores (probabilities) against labels, grouping rows by member for the top-k metrics
    /// and the mean per-member AUC (members with one class only are left out of AUC means and counted).
    /// </summary>
    public static Evaluation Compute(IReadOnlyList<int> members, IReadOnlyList<float> scores, IReadOnlyList<float> labels,
        IReadOnlyList<int> ks, double threshold = 0.5)
    {
        if (members.Count != scores.Count || scores.Count != labels.Count)
            throw new ArgumentException("members, scores and labels differ in length");
        var groups = Enumerable.Range(0, members.Count).GroupBy(i => members[i]).OrderBy(g => g.Key).ToList();
        var memberAucs = new List<double>();
        var perK = ks.ToDictionary(k => k, _ => new List<TopKScores>());
        foreach (var g in groups)
        {
            var s = g.Select(i => scores[i]).ToArray();
            var y = g.Select(i => labels[i]).ToArray();
            double auc = Metric.RocAuc(s, y);
            if (!double.IsNaN(auc)) memberAucs.Add(auc);
            foreach (int k in ks) perK[k].Add(Metric.TopK(s, y, k, threshold));
        }
        return new Evaluation(
            scores.Count, groups.Count,
            Metric.Rmse(scores, labels), Metric.Mae(scores, labels), Metric.LogLoss(scores, labels), Metric.RocAuc(scores, labels),
            memberAucs.Count == 0 ? double.NaN : memberAucs.Average(), memberAucs.Count,
            perK.ToDictionary(p => p.Key, p => TopKSummary.Of(p.Key, p.Value)));
    }
}

/// <summary>Per-member top-k values (for box plots) and their summaries.</summary>
public sealed record TopKSummary(
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("accuracy")] Distribution Accuracy,
    [property: JsonPropertyName("precision")] Distribution Precision,
    [property: JsonPropertyName("recall")] Distribution Recall,
    [property: JsonPropertyName("f1")] Distribution F1,
    [property: JsonPropertyName("auc")] Distribution Auc)
{
    public static TopKSummary Of(int k, IReadOnlyList<TopKScores> members) => new(
        k,
        Distribution.Of(members.Select(m => m.Accuracy)),
        Distribution.Of(members.Select(m => m.Precision)),
        Distribution.Of(members.Select(m => m.Recall)),
        Distribution.Of(members.Select(m => m.F1)),
        Distribution.Of(members.Select(m => m.Auc)));

    /// <summary>The metric names of this record in the seed's order, as metrics.json spells them.</summary>
    public static readonly string[] MetricNames = ["accuracy", "precision", "recall", "f1", "auc"];

    public Distribution this[string metric] => metric switch
    {
        "accuracy" => Accuracy, "precision" => Precision, "recall" => Recall, "f1" => F1, "auc" => Auc,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "not a top-k metric"),
    };
}

/// <summary>Values over members (NaN left out and counted) with mean and quartiles.</summary>
public sealed record Distribution(
    [property: JsonIgnore] double[] Values,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("undefined")] int Undefined,
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("min")] double Min,
    [property: JsonPropertyName("q1")] double Q1,
    [property: JsonPropertyName("median")] double Median,
    [property: JsonPropertyName("q3")] double Q3,
    [property: JsonPropertyName("max")] double Max)
{
    public static Distribution Of(IEnumerable<double> values)
    {
        var all = values.ToArray();
        var v = all.Where(x => !double.IsNaN(x)).OrderBy(x => x).ToArray();
        if (v.Length == 0) return new Distribution(v, 0, all.Length, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        return new Distribution(v, v.Length, all.Length - v.Length, v.Average(), v[0], Quantile(v, 0.25), Quantile(v, 0.5), Quantile(v, 0.75), v[^1]);
    }

    /// <summary>Linear interpolation between closest ranks (numpy's default) over sorted values.</summary>
    public static double Quantile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
