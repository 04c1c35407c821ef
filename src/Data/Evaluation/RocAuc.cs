namespace KkboxNcf.Data.Evaluation;

/// <summary>ROC AUC of scores against 0/1 labels (ties share their average rank: the Mann-Whitney U statistic).</summary>
public static class RocAuc
{
    /// <summary>NaN when only one class is present.</summary>
    public static double Compute(ReadOnlySpan<float> scores, ReadOnlySpan<byte> labels)
    {
        if (scores.Length != labels.Length) throw new ArgumentException("scores and labels differ in length");
        var s = scores.ToArray();
        var l = labels.ToArray();
        Array.Sort(s, l);
        long positives = 0;
        double rankSum = 0;
        int i = 0;
        while (i < s.Length)
        {
            int j = i;
            while (j < s.Length && s[j] == s[i]) j++;
            double averageRank = (i + 1 + j) / 2.0;
            for (int k = i; k < j; k++)
                if (l[k] != 0) { positives++; rankSum += averageRank; }
            i = j;
        }
        long negatives = s.Length - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
