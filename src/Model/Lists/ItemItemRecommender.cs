using KkboxNcf.Data;

namespace KkboxNcf.Model.Lists;

/// <summary>
/// Item-to-item co-listen neighbours, as benfred/implicit's ItemItemRecommender with cosine
/// similarity: members x songs is a 0/1 matrix (heard or not); two songs' similarity is the number of
/// members who heard both over the square root of the product of their listener counts; each song
/// keeps its K most similar songs; a member's score for a song is the sum of its similarity to every
/// song they heard (over those neighbour lists). Songs tied at the same score (most often: no
/// neighbour of anything the member heard) follow in order of popularity, where implicit leaves the
/// order of zero scores arbitrary.
/// </summary>
public sealed class ItemItemRecommender(int neighbours = 20) : IListRecommender
{
    ItemNeighbours _index = ItemNeighbours.Empty;
    string[] _byPopularity = [];
    Dictionary<string, string[]> _heard = new(StringComparer.Ordinal);

    public string Name => $"item-item cosine, K={neighbours}";

    public void Fit(IReadOnlyList<Listen> train)
    {
        if (neighbours < 1) throw new ArgumentOutOfRangeException(nameof(neighbours), neighbours, "needs at least one neighbour");
        _lists.Clear();
        var members = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var l in train)
        {
            if (!members.TryGetValue(l.Msno, out var set)) members.Add(l.Msno, set = new HashSet<string>(StringComparer.Ordinal));
            set.Add(l.SongId);
        }
        _heard = members.ToDictionary(m => m.Key, m => m.Value.ToArray(), StringComparer.Ordinal);
        _index = ItemNeighbours.Build(_heard.Values, neighbours);
        _byPopularity = _index.ByPopularity.Select(_index.Song).ToArray();
    }

    public IReadOnlyList<string> Recommend(string member, ListContext context, int k, IReadOnlySet<string> exclude)
    {
        // the context plays no part, so a member's lists in several contexts are one list, kept while the same
        // left-out set is passed (ListEvaluation passes one fixed set per member)
        if (_lists.TryGetValue(member, out var last) && last.K == k && ReferenceEquals(last.Exclude, exclude)) return last.List;
        var scores = _heard.TryGetValue(member, out var heard) ? _index.Scores(heard) : [];
        // the best k by (score, then popularity): a heap of k instead of sorting every scored song
        var best = new PriorityQueue<string, (float Score, int NegatedRank)>(k + 1);
        foreach (var (song, score) in scores)
        {
            if (exclude.Contains(song)) continue;
            _index.TryGetRow(song, out int row);
            best.Enqueue(song, (score, -_index.PopularityRank(row)));
            if (best.Count > k) best.Dequeue();
        }
        var scored = new string[best.Count];
        for (int i = scored.Length - 1; i >= 0; i--) scored[i] = best.Dequeue();
        var list = SongRanking.FirstK(k, exclude, scored, _byPopularity);
        _lists[member] = (k, exclude, list);
        return list;
    }

    readonly Dictionary<string, (int K, IReadOnlySet<string> Exclude, List<string> List)> _lists = new(StringComparer.Ordinal);
}
