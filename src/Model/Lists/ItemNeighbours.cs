namespace KkboxNcf.Model.Lists;

/// <summary>
/// Item-to-item co-listen neighbours as benfred/implicit's ItemItemRecommender computes them with
/// cosine: members x songs is a 0/1 matrix (heard or not); two songs' similarity is the number of
/// members who heard both over the square root of the product of their listener counts; each song
/// keeps its K most similar songs (ties by popularity, so the kept neighbours do not depend on the
/// order of the rows). A member's score for a song is the sum of its similarity to every song they
/// heard, over those neighbour lists. Built in one pass over the members' histories (cost: the sum
/// over members of their songs squared); immutable once built, so one thread may build the next while
/// others read this one. Used by the item-item baseline and by the Scorer's final score.
/// </summary>
public sealed class ItemNeighbours
{
    readonly Dictionary<string, int> _row;
    readonly string[] _songs;
    readonly (int Song, float Similarity)[][] _neighbours;
    readonly int[] _byPopularity, _popularityRank;

    ItemNeighbours(Dictionary<string, int> row, string[] songs, int[] byPopularity, int[] popularityRank, (int, float)[][] neighbours)
    {
        _row = row;
        _songs = songs;
        _byPopularity = byPopularity;
        _popularityRank = popularityRank;
        _neighbours = neighbours;
    }

    public static readonly ItemNeighbours Empty = new(new Dictionary<string, int>(StringComparer.Ordinal), [], [], [], []);

    /// <summary>Songs in the histories it was built from.</summary>
    public int Songs => _songs.Length;

    /// <summary>Members whose histories it was built from.</summary>
    public int Members { get; private init; }

    /// <summary>The rows by listeners, most first (ties by song id): the order that breaks ties between neighbours.</summary>
    public IReadOnlyList<int> ByPopularity => _byPopularity;

    /// <summary>A row's place in ByPopularity (0: the most listened).</summary>
    public int PopularityRank(int row) => _popularityRank[row];

    /// <summary>The song of a row of this index (rows 0 .. Songs - 1).</summary>
    public string Song(int row) => _songs[row];

    public bool TryGetRow(string song, out int row) => _row.TryGetValue(song, out row);

    /// <summary>A row's kept neighbours as rows of this index, most similar first (for callers that map rows once, not songs per member).</summary>
    public IReadOnlyList<(int Song, float Similarity)> NeighbourRows(int row) => _neighbours[row];

    /// <param name="histories">Each member's distinct songs (a song twice in one history counts once).</param>
    /// <param name="k">Neighbours kept per song.</param>
    public static ItemNeighbours Build(IEnumerable<IEnumerable<string>> histories, int k = 20, CancellationToken ct = default)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "needs at least one neighbour per song");
        var rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var memberSongs = new List<int[]>();
        var set = new HashSet<int>();
        foreach (var history in histories)
        {
            set.Clear();
            foreach (var song in history)
            {
                if (!rowOf.TryGetValue(song, out int s)) rowOf.Add(song, s = rowOf.Count);
                set.Add(s);
            }
            if (set.Count > 0) memberSongs.Add(set.ToArray());
        }
        int n = rowOf.Count;
        var songs = new string[n];
        foreach (var (id, row) in rowOf) songs[row] = id;

        var listeners = new List<int>[n];
        for (int s = 0; s < n; s++) listeners[s] = [];
        for (int m = 0; m < memberSongs.Count; m++)
            foreach (int s in memberSongs[m]) listeners[s].Add(m);
        var counts = listeners.Select(l => l.Count).ToArray();
        var byPopularity = Enumerable.Range(0, n).OrderByDescending(s => counts[s]).ThenBy(s => songs[s], StringComparer.Ordinal).ToArray();
        var popularityRank = new int[n];
        for (int r = 0; r < n; r++) popularityRank[byPopularity[r]] = r;

        // co-listens of one song with every other, in a dense scratch row (only the touched entries are read and reset)
        var neighbours = new (int, float)[n][];
        var co = new int[n];
        var touched = new List<int>();
        var best = new PriorityQueue<int, (float Sim, int NegatedRank)>(k + 1);
        for (int s = 0; s < n; s++)
        {
            if ((s & 1023) == 0) ct.ThrowIfCancellationRequested();
            foreach (int m in listeners[s])
                foreach (int t in memberSongs[m])
                {
                    if (t == s) continue;
                    if (co[t]++ == 0) touched.Add(t);
                }
            foreach (int t in touched)
            {
                float sim = (float)(co[t] / Math.Sqrt((double)counts[s] * counts[t]));
                best.Enqueue(t, (sim, -popularityRank[t]));
                if (best.Count > k) best.Dequeue();
                co[t] = 0;
            }
            touched.Clear();
            var kept = new (int, float)[best.Count];
            while (best.TryDequeue(out int t, out var p)) kept[best.Count] = (t, p.Sim);
            neighbours[s] = kept;
        }
        return new ItemNeighbours(rowOf, songs, byPopularity, popularityRank, neighbours) { Members = memberSongs.Count };
    }

    /// <summary>The song's kept neighbours with their similarity, most similar first (empty for a song it does not know).</summary>
    public IEnumerable<(string Song, float Similarity)> NeighboursOf(string song) =>
        _row.TryGetValue(song, out int s) ? _neighbours[s].Select(p => (_songs[p.Song], p.Similarity)) : [];

    /// <summary>A member's score for every song near something they heard: the sum of its similarity to each of the heard songs (each counted once).</summary>
    public Dictionary<string, float> Scores(IEnumerable<string> heard)
    {
        var byRow = new Dictionary<int, float>();
        var seen = new HashSet<int>();
        foreach (var song in heard)
            if (_row.TryGetValue(song, out int s) && seen.Add(s))
                foreach (var (t, sim) in _neighbours[s]) byRow[t] = byRow.GetValueOrDefault(t) + sim;
        var scores = new Dictionary<string, float>(byRow.Count, StringComparer.Ordinal);
        foreach (var (t, score) in byRow) scores[_songs[t]] = score;
        return scores;
    }
}
