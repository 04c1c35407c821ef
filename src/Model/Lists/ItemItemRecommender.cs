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
    Dictionary<string, int> _songRow = new(StringComparer.Ordinal);
    string[] _songs = [];
    int[] _popularityRank = [];
    int[] _byPopularity = [];
    (int Song, float Similarity)[][] _neighbours = [];
    Dictionary<string, int[]> _heard = new(StringComparer.Ordinal);

    public string Name => $"item-item cosine, K={neighbours}";

    public void Fit(IReadOnlyList<Listen> train)
    {
        if (neighbours < 1) throw new ArgumentOutOfRangeException(nameof(neighbours), neighbours, "needs at least one neighbour");
        _songRow = new Dictionary<string, int>(StringComparer.Ordinal);
        _lists.Clear();
        var members = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (var l in train)
        {
            if (!_songRow.TryGetValue(l.SongId, out int s)) _songRow.Add(l.SongId, s = _songRow.Count);
            if (!members.TryGetValue(l.Msno, out var set)) members.Add(l.Msno, set = []);
            set.Add(s);
        }
        int n = _songRow.Count;
        _songs = new string[n];
        foreach (var (id, row) in _songRow) _songs[row] = id;
        _heard = members.ToDictionary(m => m.Key, m => m.Value.ToArray(), StringComparer.Ordinal);

        // listeners of each song (distinct members), as member indexes
        var memberSongs = _heard.Values.ToArray();
        var listeners = new List<int>[n];
        for (int s = 0; s < n; s++) listeners[s] = [];
        for (int m = 0; m < memberSongs.Length; m++)
            foreach (int s in memberSongs[m]) listeners[s].Add(m);
        var counts = listeners.Select(l => l.Count).ToArray();
        _byPopularity = Enumerable.Range(0, n).OrderByDescending(s => counts[s]).ThenBy(s => _songs[s], StringComparer.Ordinal).ToArray();
        _popularityRank = new int[n];
        for (int r = 0; r < n; r++) _popularityRank[_byPopularity[r]] = r;

        // co-listens of one song with every other, in a dense scratch row (only the touched entries are read and reset)
        _neighbours = new (int, float)[n][];
        var co = new int[n];
        var touched = new List<int>();
        for (int s = 0; s < n; s++)
        {
            foreach (int m in listeners[s])
                foreach (int t in memberSongs[m])
                {
                    if (t == s) continue;
                    if (co[t]++ == 0) touched.Add(t);
                }
            var best = new PriorityQueue<int, (float Sim, int Negated)>(neighbours + 1);
            foreach (int t in touched)
            {
                float sim = (float)(co[t] / Math.Sqrt((double)counts[s] * counts[t]));
                // ties by popularity, so the kept neighbours do not depend on the order of the rows
                best.Enqueue(t, (sim, -_popularityRank[t]));
                if (best.Count > neighbours) best.Dequeue();
                co[t] = 0;
            }
            touched.Clear();
            var kept = new (int, float)[best.Count];
            while (best.TryDequeue(out int t, out var p)) kept[best.Count] = (t, p.Sim);
            _neighbours[s] = kept;
        }
    }

    public IReadOnlyList<string> Recommend(string member, ListContext context, int k, IReadOnlySet<string> exclude)
    {
        // the context plays no part, so a member's lists in several contexts are one list, kept while the same
        // left-out set is passed (ListEvaluation passes one fixed set per member)
        if (_lists.TryGetValue(member, out var last) && last.K == k && ReferenceEquals(last.Exclude, exclude)) return last.List;
        var scores = new Dictionary<int, float>();
        if (_heard.TryGetValue(member, out var heard))
            foreach (int s in heard)
                foreach (var (t, sim) in _neighbours[s]) scores[t] = scores.GetValueOrDefault(t) + sim;
        // the best k by (score, then popularity): a heap of k instead of sorting every scored song
        var best = new PriorityQueue<int, (float Score, int NegatedRank)>(k + 1);
        foreach (var (t, score) in scores)
        {
            if (exclude.Contains(_songs[t])) continue;
            best.Enqueue(t, (score, -_popularityRank[t]));
            if (best.Count > k) best.Dequeue();
        }
        var scored = new string[best.Count];
        for (int i = scored.Length - 1; i >= 0; i--) scored[i] = _songs[best.Dequeue()];
        var list = SongRanking.FirstK(k, exclude, scored, new PopularOrder(_songs, _byPopularity));
        _lists[member] = (k, exclude, list);
        return list;
    }

    readonly Dictionary<string, (int K, IReadOnlySet<string> Exclude, List<string> List)> _lists = new(StringComparer.Ordinal);

    /// <summary>The catalogue by popularity, read lazily (a list rarely needs more than its first few songs).</summary>
    sealed class PopularOrder(string[] songs, int[] order) : IReadOnlyList<string>
    {
        public string this[int index] => songs[order[index]];
        public int Count => order.Length;
        public IEnumerator<string> GetEnumerator() { foreach (int s in order) yield return songs[s]; }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
