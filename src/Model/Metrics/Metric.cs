namespace KkboxNcf.Model.Metrics;

/// <summary>
/// The seed's metrics as plain functions over arrays of predicted probabilities (or scores) and
/// 0/1 labels. Undefined values are NaN (ROC AUC with one class only) and are left out of means by
/// the callers, which count them.
/// </summary>
public static class Metric
{
    public static double Rmse(IReadOnlyList<float> p, IReadOnlyList<float> y)
    {
        Check(p, y);
        if (p.Count == 0) return double.NaN;
        double s = 0;
        for (int i = 0; i < p.Count; i++) { double d = p[i] - y[i]; s += d * d; }
        return Math.Sqrt(s / p.Count);
    }

    public static double Mae(IReadOnlyList<float> p, IReadOnlyList<float> y)
    {
        Check(p, y);
        if (p.Count == 0) return double.NaN;
        double s = 0;
        for (int i = 0; i < p.Count; i++) s += Math.Abs(p[i] - y[i]);
        return s / p.Count;
    }

    /// <summary>Mean binary cross entropy; probabilities are clipped to [1e-7, 1 - 1e-7] so a confident miss costs ~16, not infinity.</summary>
    public static double LogLoss(IReadOnlyList<float> p, IReadOnlyList<float> y)
    {
        Check(p, y);
        if (p.Count == 0) return double.NaN;
        const double eps = 1e-7;
        double s = 0;
        for (int i = 0; i < p.Count; i++)
        {
            double q = Math.Clamp(p[i], eps, 1 - eps);
            s -= y[i] * Math.Log(q) + (1 - y[i]) * Math.Log(1 - q);
        }
        return s / p.Count;
    }

    /// <summary>
    /// ROC AUC: the probability that a random positive scores above a random negative, ties counting
    /// one half (Mann-Whitney with mid-ranks). NaN when the labels hold only one class.
    /// </summary>
    public static double RocAuc(IReadOnlyList<float> scores, IReadOnlyList<float> y)
    {
        Check(scores, y);
        int n = scores.Count;
        var order = Enumerable.Range(0, n).ToArray();
        Array.Sort(order, (a, b) => scores[a].CompareTo(scores[b]));
        double positiveRankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < n)
        {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) j++;
            double midRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++)
                if (y[order[k]] > 0.5f) { positiveRankSum += midRank; positives++; }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>
    /// The seed's per-member top-k metrics: the member's rows ranked by score (highest first; equal
    /// scores keep their original order), the first k of them (all when fewer), each predicted
    /// positive when its score exceeds the threshold; then accuracy, precision, recall and F1 of
    /// those predictions against the labels of those rows, and the ROC AUC of their scores.
    /// Precision with no predicted positive, recall with no actual positive, and F1 when both are
    /// 0 are 0 (scikit-learn's zero_division=0); AUC with one class is NaN.
    /// </summary>
    public static TopKScores TopK(IReadOnlyList<float> scores, IReadOnlyList<float> y, int k, double threshold = 0.5)
    {
        Check(scores, y);
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), "k must be >= 1");
        var top = RankDescending(scores).Take(k).ToArray();
        if (top.Length == 0) return new TopKScores(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        int tp = 0, fp = 0, tn = 0, fn = 0;
        foreach (int i in top)
        {
            bool predicted = scores[i] > threshold;
            bool actual = y[i] > 0.5f;
            if (predicted && actual) tp++;
            else if (predicted) fp++;
            else if (actual) fn++;
            else tn++;
        }
        double accuracy = (double)(tp + tn) / top.Length;
        double precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        double auc = RocAuc(top.Select(i => scores[i]).ToArray(), top.Select(i => y[i]).ToArray());
        return new TopKScores(top.Length, accuracy, precision, recall, f1, auc);
    }

    /// <summary>Positions ordered by score, highest first; ties keep their original order.</summary>
    public static int[] RankDescending(IReadOnlyList<float> scores) =>
        Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();

    static void Check(IReadOnlyList<float> a, IReadOnlyList<float> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"scores ({a.Count}) and labels ({b.Count}) differ in length");
    }
}

/// <summary>Top-k metrics of one member: Rows = min(k, member's rows).</summary>
public sealed record TopKScores(int Rows, double Accuracy, double Precision, double Recall, double F1, double Auc);
