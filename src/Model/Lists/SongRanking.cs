namespace KkboxNcf.Model.Lists;

/// <summary>Helpers shared by the baselines: songs ordered by a count, and the first k of an order that are not left out.</summary>
public static class SongRanking
{
    /// <summary>Songs by descending count; ties by song id (ordinal), so every run gives the same order.</summary>
    public static string[] ByCount(IEnumerable<KeyValuePair<string, int>> counts) =>
        counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key).ToArray();

    public static Dictionary<string, int> Count(IEnumerable<string> songs)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in songs) counts[s] = counts.GetValueOrDefault(s) + 1;
        return counts;
    }

    /// <summary>The first k songs of the orders in turn (a later order fills what an earlier one lacks), skipping left-out and repeated songs.</summary>
    public static List<string> FirstK(int k, IReadOnlySet<string> exclude, params IReadOnlyList<string>[] orders)
    {
        var list = new List<string>(k);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var order in orders)
            foreach (var song in order)
            {
                if (list.Count >= k) return list;
                if (!exclude.Contains(song) && taken.Add(song)) list.Add(song);
            }
        return list;
    }
}
