using KkboxNcf.Model.Lists;

namespace KkboxNcf.Scorer.Scoring;

/// <summary>
/// What the Scorer counts from the listens it reads, for the final score's stream terms
/// (ScoringOptions): a song's recent plays in a tab (tab, song id; PopularityWeight) and the co-listen
/// neighbours (CoListenWeight, CoListenCandidates). A null part turns its term off.
/// </summary>
public sealed record StreamSignals(Func<string, string, double>? Plays = null, ItemNeighbours? Neighbours = null)
{
    public static readonly StreamSignals None = new();
}

/// <summary>
/// The co-listen neighbours with their songs as one model's rows (songs the model does not know
/// dropped), made once per (neighbours, model) pair, so a member's co-listen score costs their recent
/// songs' lookups and sums into a dense scratch row, not a string or dictionary operation per
/// neighbour: a full refresh sums K neighbours for each recent song of every member.
/// Single-threaded: the scratch row is shared.
/// </summary>
public sealed class ModelNeighbours
{
    readonly (int Row, float Similarity)[][] _lists;
    readonly float[] _scratch;
    readonly List<int> _touched = [];
    readonly HashSet<int> _seen = [];

    public ModelNeighbours(ItemNeighbours neighbours, ScoringModel model)
    {
        Source = neighbours;
        Model = model;
        var rowOf = new int[neighbours.Songs];
        for (int r = 0; r < rowOf.Length; r++) rowOf[r] = model.SongRow(neighbours.Song(r));
        _lists = new (int, float)[neighbours.Songs][];
        for (int r = 0; r < _lists.Length; r++)
            _lists[r] = neighbours.NeighbourRows(r).Where(n => rowOf[n.Song] > 0).Select(n => (rowOf[n.Song], n.Similarity)).ToArray();
        _scratch = new float[model.Songs];
    }

    public ItemNeighbours Source { get; }
    public ScoringModel Model { get; }

    /// <summary>
    /// A member's terms from the songs they heard lately (each counted once): their best take songs by
    /// co-listen score (each song's summed similarity to those songs, as ItemNeighbours.Scores), and
    /// weight x that score for those and for the needed rows (the member's other candidates) that have one.
    /// </summary>
    public MemberTerms Terms(IReadOnlyList<string> songs, double weight, int take, IEnumerable<int> needed)
    {
        _seen.Clear();
        foreach (var song in songs)
            if (Source.TryGetRow(song, out int r) && _seen.Add(r))
                foreach (var (row, sim) in _lists[r])
                {
                    // similarities are positive, so 0 means not yet touched
                    if (_scratch[row] == 0) _touched.Add(row);
                    _scratch[row] += sim;
                }
        int[] candidates = [];
        if (take > 0 && _touched.Count > 0)
        {
            var best = new TopHeap(Math.Min(take, _touched.Count));
            foreach (int row in _touched) best.Offer(_scratch[row], row);
            candidates = best.Songs();
        }
        var bonus = new Dictionary<int, float>();
        if (weight > 0)
        {
            float w = (float)weight;
            foreach (int row in needed.Concat(candidates))
                if (_scratch[row] > 0) bonus[row] = w * _scratch[row];
        }
        foreach (int row in _touched) _scratch[row] = 0;
        _touched.Clear();
        return new MemberTerms(bonus, candidates);
    }
}

/// <summary>
/// One member's stream terms by model row: Bonus, CoListenWeight x the co-listen score (item-to-item
/// cosine summed over their recent songs, the last Scorer:CoListenHistory) of their candidates;
/// Candidates, their best CoListenCandidates songs by it. Songs the model does not know are left out.
/// </summary>
public sealed record MemberTerms(Dictionary<int, float> Bonus, int[] Candidates)
{
    public static readonly MemberTerms None = new([], []);

    /// <param name="needed">The member's other candidate rows, whose bonus the final score needs.</param>
    public static MemberTerms Of(ModelNeighbours? neighbours, ScoringOptions options, MemberToScore member, IEnumerable<int> needed)
    {
        if (neighbours is null || (options.CoListenWeight == 0 && options.CoListenCandidates == 0) || member.Recent.Count == 0) return None;
        return neighbours.Terms(member.Recent, options.CoListenWeight, options.CoListenCandidates, needed);
    }
}
