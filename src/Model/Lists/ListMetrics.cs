namespace KkboxNcf.Model.Lists;

/// <summary>
/// The list metrics as plain functions over a list and what was played. A rank is 1-based; 0 means
/// the song is not in the list. Each later listen has exactly one relevant song, so NDCG's ideal DCG is
/// 1 and NDCG@k of a listen is 1 / log2(1 + rank) when rank is at most k.
/// </summary>
public static class ListMetrics
{
    /// <summary>1-based position of song in list, 0 when absent.</summary>
    public static int RankOf(IReadOnlyList<string> list, string song)
    {
        for (int i = 0; i < list.Count; i++)
            if (string.Equals(list[i], song, StringComparison.Ordinal)) return i + 1;
        return 0;
    }

    public static double Hit(int rank, int k) => rank >= 1 && rank <= k ? 1 : 0;

    public static double Ndcg(int rank, int k) => rank >= 1 && rank <= k ? 1 / Math.Log2(1 + rank) : 0;

    /// <summary>1 / rank, 0 when absent: the list is the cutoff, so this is MRR at the list's length.</summary>
    public static double ReciprocalRank(int rank) => rank >= 1 ? 1.0 / rank : 0;

    /// <summary>Share of the distinct relevant songs found in the first k of the list (0 when nothing is relevant).</summary>
    public static double Recall(IReadOnlyList<string> list, IEnumerable<string> relevant, int k)
    {
        var wanted = relevant.ToHashSet(StringComparer.Ordinal);
        if (wanted.Count == 0) return 0;
        int found = 0;
        for (int i = 0; i < Math.Min(k, list.Count); i++)
            if (wanted.Contains(list[i])) found++;
        return (double)found / wanted.Count;
    }

    /// <summary>Share of the catalogue that appears in the first k of at least one list.</summary>
    public static double Coverage(IEnumerable<IReadOnlyList<string>> lists, int k, int catalogueSize)
    {
        if (catalogueSize <= 0) return 0;
        var shown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var list in lists)
            for (int i = 0; i < Math.Min(k, list.Count); i++) shown.Add(list[i]);
        return (double)shown.Count / catalogueSize;
    }

    /// <summary>Songs the first k of two lists share, over k.</summary>
    public static double Overlap(IReadOnlyList<string> a, IReadOnlyList<string> b, int k)
    {
        var first = new HashSet<string>(a.Take(k), StringComparer.Ordinal);
        return (double)b.Take(k).Count(first.Contains) / k;
    }

    /// <summary>
    /// 1 - the mean overlap of the top k of two different members' lists: 0 when everyone gets the
    /// same songs, 1 when no two members share one. Every pair of members when there are at most
    /// maxPairs of them, else maxPairs pairs drawn with a seeded generator (a member with several lists
    /// counts each). NaN with fewer than two members.
    /// </summary>
    public static double Personalisation(IReadOnlyList<(string Member, IReadOnlyList<string> List)> lists, int k, int maxPairs = 10_000, int seed = 7)
    {
        int n = lists.Count;
        if (lists.Select(l => l.Member).Distinct(StringComparer.Ordinal).Take(2).Count() < 2) return double.NaN;
        double sum = 0;
        long pairs = 0;
        if ((long)n * (n - 1) / 2 <= maxPairs)
        {
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                {
                    if (lists[i].Member == lists[j].Member) continue;
                    sum += Overlap(lists[i].List, lists[j].List, k);
                    pairs++;
                }
        }
        else
        {
            var rng = new Random(seed);
            while (pairs < maxPairs)
            {
                int i = rng.Next(n), j = rng.Next(n);
                if (lists[i].Member == lists[j].Member) continue;
                sum += Overlap(lists[i].List, lists[j].List, k);
                pairs++;
            }
        }
        return 1 - sum / pairs;
    }
}
