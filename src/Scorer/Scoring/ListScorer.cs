using KkboxNcf.Contracts.Serving;

namespace KkboxNcf.Scorer.Scoring;

/// <summary>
/// Computes members' lists with one model: candidates from the dot-product stage (cached per member
/// in the model, since they only change with the model) plus the given popular and rising songs,
/// then the full NCF over them in each serving context, top K. Full-model scores are cached in the
/// model too, so re-scoring a member whose context and candidates did not change costs no forward
/// pass. Every list of a call carries the one model version it was computed with.
/// </summary>
public sealed class ListScorer(ScoringOptions options)
{
    readonly System.Diagnostics.Stopwatch _candidateTime = new(), _rankTime = new();

    public ScoringOptions Options { get; } = options;

    /// <summary>(member, song, context) triples the full model scored so far (cached scores are not counted).</summary>
    public long PairsScored { get; private set; }

    /// <summary>Time spent in the candidate stage (matrix products) and in the full-model stage so far.</summary>
    public (TimeSpan Candidates, TimeSpan Ranking) StageTimes => (_candidateTime.Elapsed, _rankTime.Elapsed);

    /// <param name="usualOnly">Only the "usual" lists (the fresh path: a member's discover list changes with their listens only when heard songs are left out).</param>
    public List<RecommendationList> Score(ScoringModel model, IReadOnlyList<MemberToScore> members, IReadOnlyList<string> extraSongIds, long nowMs, bool usualOnly = false)
    {
        int n = members.Count;
        var userRows = new int[n];
        var heard = new HashSet<int>?[n];
        for (int i = 0; i < n; i++)
        {
            userRows[i] = model.UserRow(members[i].Msno);
            if (Options.ExcludeHeard) heard[i] = Rows(model, members[i].Heard);
        }
        _candidateTime.Start();
        var candidates = Candidates(model, userRows, heard);
        _candidateTime.Stop();
        var extras = Rows(model, extraSongIds);

        // what each (member, context) needs ranked, and which of those pairs were never scored by this model
        var contexts = new List<(int Member, string Name, ListeningContext Context, int[] Songs, Dictionary<int, float> Scores)>(n * 2);
        var requests = new List<RankRequest>();
        var requestOwner = new List<int>();
        for (int i = 0; i < n; i++)
        {
            var songs = new HashSet<int>(candidates[i]);
            songs.UnionWith(extras);
            if (heard[i] is { } h) songs.ExceptWith(h);
            Add(i, ServingContexts.Usual, members[i].Usual, WithPrior(songs, members[i].Usual, heard[i]));
            if (Options.Discover is { } discover && !usualOnly) Add(i, ServingContexts.Discover, discover, WithPrior(songs, discover, heard[i]));
        }

        int[] WithPrior(HashSet<int> songs, ListeningContext context, HashSet<int>? heardRows)
        {
            IEnumerable<int> all = songs;
            if (Options.PriorCandidates > 0)
                all = songs.Union(model.Prior(context, Options.PriorCandidates).Where(s => heardRows is null || !heardRows.Contains(s)));
            var array = all.ToArray();
            Array.Sort(array);
            return array;
        }

        void Add(int member, string name, ListeningContext context, int[] songs)
        {
            var scores = model.ScoresOf(userRows[member], context);
            var missing = songs.Where(s => !scores.ContainsKey(s)).ToArray();
            if (missing.Length > 0)
            {
                requests.Add(new RankRequest(userRows[member], missing, context));
                requestOwner.Add(contexts.Count);
            }
            contexts.Add((member, name, context, songs, scores));
        }

        _rankTime.Start();
        var computed = RankingStage.Probabilities(model, requests);
        for (int r = 0; r < requests.Count; r++)
        {
            var scores = contexts[requestOwner[r]].Scores;
            for (int j = 0; j < requests[r].Songs.Length; j++) scores[requests[r].Songs[j]] = computed[r][j];
        }
        PairsScored += requests.Sum(r => (long)r.Songs.Length);
        var ranked = contexts.Select(c => RankingStage.TopK(c.Songs, c.Songs.Select(s => c.Scores[s]).ToArray(), Options.K)).ToArray();
        _rankTime.Stop();

        var lists = new List<RecommendationList>(contexts.Count);
        for (int r = 0; r < contexts.Count; r++)
        {
            var (i, name, ctx, _, _) = contexts[r];
            var items = new RecommendedSong[ranked[r].Songs.Length];
            for (int j = 0; j < items.Length; j++) items[j] = new RecommendedSong(model.SongId(ranked[r].Songs[j]), ranked[r].Scores[j]);
            lists.Add(new RecommendationList(members[i].Msno, model.Version, name, ctx.Tab, ctx.Screen, ctx.Type, nowMs, members[i].FreshAsOfMs, items));
        }
        return lists;
    }

    /// <summary>Each member's candidate rows: from the model's cache, else by the matrix product in blocks.</summary>
    int[][] Candidates(ScoringModel model, int[] userRows, HashSet<int>?[] heard)
    {
        var result = new int[userRows.Length][];
        var missing = new List<int>();
        for (int i = 0; i < userRows.Length; i++)
        {
            // a cached list was computed before the member's newest listens: drop what they heard since
            if (model.TryGetCandidates(userRows[i], out var cached)) result[i] = heard[i] is { } h ? cached.Where(s => !h.Contains(s)).ToArray() : cached;
            else missing.Add(i);
        }
        for (int start = 0; start < missing.Count; start += Options.CandidateBlock)
        {
            var block = missing.Skip(start).Take(Options.CandidateBlock).ToArray();
            var rows = block.Select(i => userRows[i]).ToArray();
            var exclude = Options.ExcludeHeard ? block.Select(i => (IReadOnlyCollection<int>?)heard[i]).ToArray() : null;
            var top = CandidateStage.TopByDotProduct(model, rows, exclude, Options.Candidates);
            for (int j = 0; j < block.Length; j++)
            {
                result[block[j]] = top[j];
                // the unknown row stands for many members: its candidates depend on no one's history
                if (!Options.ExcludeHeard || rows[j] != 0) model.CacheCandidates(rows[j], top[j]);
            }
        }
        return result;
    }

    static HashSet<int> Rows(ScoringModel model, IEnumerable<string> songIds)
    {
        var rows = new HashSet<int>();
        foreach (var id in songIds)
        {
            int row = model.SongRow(id);
            if (row > 0) rows.Add(row);
        }
        return rows;
    }
}
