using KkboxNcf.Contracts.Serving;

namespace KkboxNcf.Scorer.Scoring;

/// <summary>
/// Computes members' lists with one model: candidates from the dot-product stage (the listen head's
/// best songs for the member in each serving context, or the GMF part's for a model without one;
/// cached in the model, since they only change with the model) plus the given popular and rising
/// songs, the member's best co-listened songs and the model's prior songs of the context, then the
/// final score (FinalScore plus the stream terms, AddStreamTerms), top K.
/// Full-model scores are cached in the model too, so re-scoring a member whose context and candidates
/// did not change costs no forward pass, and a list whose inputs did not change at all is the last
/// ranking again. Every list of a call carries the one model version it was computed with.
/// </summary>
public sealed class ListScorer(ScoringOptions options)
{
    readonly System.Diagnostics.Stopwatch _candidateTime = new(), _rankTime = new();
    // the popularity term's counts move with every listen and the co-listen neighbours with each rebuild,
    // but a ranked list is reused until the extras change (the Scorer recomputes them every
    // ExtrasEverySeconds) or the member's recent songs do: lists follow them at that pace
    StreamSignals _signals = StreamSignals.None;
    ModelNeighbours? _modelNeighbours;

    public ScoringOptions Options { get; } = options;

    /// <summary>(member, song, context) triples the full model scored so far (cached scores are not counted).</summary>
    public long PairsScored { get; private set; }

    /// <summary>Time spent in the candidate stage (matrix products) and in the full-model stage so far.</summary>
    public (TimeSpan Candidates, TimeSpan Ranking) StageTimes => (_candidateTime.Elapsed, _rankTime.Elapsed);

    /// <param name="usualOnly">Only the "usual" lists (the fresh path: a member's discover list changes with their listens only when heard songs are left out).</param>
    /// <param name="signals">What the Scorer counts from the stream, for the final score's stream terms; null: none of them.</param>
    public List<RecommendationList> Score(ScoringModel model, IReadOnlyList<MemberToScore> members, IReadOnlyList<string> extraSongIds, long nowMs, bool usualOnly = false,
        StreamSignals? signals = null)
    {
        _signals = signals ?? StreamSignals.None;
        int n = members.Count;
        var userRows = new int[n];
        var heard = new HashSet<int>?[n];
        var history = new long[n][];
        var historyKey = new long[n];
        for (int i = 0; i < n; i++)
        {
            userRows[i] = model.UserRow(members[i].Msno);
            if (Options.ExcludeHeard) heard[i] = Rows(model, members[i].Heard);
            history[i] = model.HistoryRows(members[i].Recent);
            historyKey[i] = ScoringModel.HistoryKey(history[i]);
        }

        // every list asked for; those ranked before by this model from the same inputs are reused as they
        // are (most fresh re-scores: same context, same extras), the others go through both stages
        var wanted = new List<(int Member, string Name, ListeningContext Context)>(n * 2);
        for (int i = 0; i < n; i++)
        {
            wanted.Add((i, ServingContexts.Usual, members[i].Usual));
            if (Options.Discover is { } discover && !usualOnly) wanted.Add((i, ServingContexts.Discover, discover));
        }
        var items = new RecommendedSong[wanted.Count][];
        var todo = new List<int>();
        for (int w = 0; w < wanted.Count; w++)
        {
            var (i, _, context) = wanted[w];
            if (Cacheable(userRows[i]) && model.TryGetRanked(userRows[i], context, extraSongIds, heard[i]?.Count ?? 0, historyKey[i], out var cached)) items[w] = cached;
            else todo.Add(w);
        }
        if (todo.Count > 0) Rank(model, members, userRows, heard, history, historyKey, wanted, todo, extraSongIds, items);
        ListsReused += wanted.Count - todo.Count;

        var lists = new List<RecommendationList>(wanted.Count);
        for (int w = 0; w < wanted.Count; w++)
        {
            var (i, name, ctx) = wanted[w];
            lists.Add(new RecommendationList(members[i].Msno, model.Version, name, ctx.Tab, ctx.Screen, ctx.Type, nowMs, members[i].FreshAsOfMs, items[w]));
        }
        return lists;
    }

    /// <summary>Lists served again from the model's last ranking (inputs unchanged) instead of ranked anew.</summary>
    public long ListsReused { get; private set; }

    // the unknown row stands for many members: with heard songs left out, its list is each one's own
    bool Cacheable(int userRow) => !Options.ExcludeHeard || userRow != 0;

    void Rank(ScoringModel model, IReadOnlyList<MemberToScore> members, int[] userRows, HashSet<int>?[] heard, long[][] history, long[] historyKey,
        List<(int Member, string Name, ListeningContext Context)> wanted, List<int> todo, IReadOnlyList<string> extraSongIds, RecommendedSong[][] items)
    {
        _candidateTime.Start();
        var keys = todo.Select(w => (userRows[wanted[w].Member], wanted[w].Context, historyKey[wanted[w].Member])).ToArray();
        var queries = model.HasListenHead ? model.ListenQueries(todo.Select(w => (userRows[wanted[w].Member], wanted[w].Context, history[wanted[w].Member])).ToArray()) : null;
        var found = Candidates(model, keys, todo.Select(w => heard[wanted[w].Member]).ToArray(), queries);
        _candidateTime.Stop();
        var extras = Rows(model, extraSongIds);
        var terms = new MemberTerms?[members.Count];
        if (model.HasListenHead)
        {
            var neighbours = NeighboursFor(model);
            // each member's other candidates over their lists, whose co-listen bonus the final score needs
            var needed = new Dictionary<int, HashSet<int>>();
            for (int t = 0; t < todo.Count; t++)
            {
                var (i, _, context) = wanted[todo[t]];
                if (!needed.TryGetValue(i, out var rows)) needed.Add(i, rows = [.. extras]);
                rows.UnionWith(found[t]);
                if (Options.PriorCandidates > 0) rows.UnionWith(model.Prior(context, Options.PriorCandidates));
            }
            foreach (var (i, rows) in needed) terms[i] = MemberTerms.Of(neighbours, Options, members[i], rows);
        }

        // what each (member, context) needs ranked: the listen head's best songs, or every candidate for the replay head
        var contexts = new List<(int Wanted, int[] Songs, float[] Listen, Dictionary<int, float> Scores)>(todo.Count);
        var requests = new List<RankRequest>();
        var requestOwner = new List<int>();
        for (int t = 0; t < todo.Count; t++)
        {
            int w = todo[t];
            var (i, _, context) = wanted[w];
            var songs = new HashSet<int>(found[t]);
            songs.UnionWith(extras);
            if (terms[i] is { } term) songs.UnionWith(term.Candidates);
            if (Options.PriorCandidates > 0) songs.UnionWith(model.Prior(context, Options.PriorCandidates));
            if (heard[i] is { } h) songs.ExceptWith(h);
            var array = songs.ToArray();
            Array.Sort(array);
            float[] listen = [];
            if (queries is not null)
            {
                var query = queries.AsSpan(t * model.ListenSongs!.Dim, model.ListenSongs.Dim);
                listen = new float[array.Length];
                for (int j = 0; j < array.Length; j++) listen[j] = model.ListenSongs.Score(query, array[j]);
                if (Options.ReplayWeight == 0)
                {
                    contexts.Add((w, array, listen, []));
                    continue;
                }
                // only the best by the listen score get a replay probability (the costly forward pass)
                var best = RankingStage.TopK(array, listen, Options.Rerank);
                (array, listen) = (best.Songs, best.Scores);
            }
            var scores = model.ScoresOf(userRows[i], context);
            var missing = array.Where(s => !scores.ContainsKey(s)).ToArray();
            if (missing.Length > 0)
            {
                requests.Add(new RankRequest(userRows[i], missing, context));
                requestOwner.Add(contexts.Count);
            }
            contexts.Add((w, array, listen, scores));
        }

        _rankTime.Start();
        var computed = RankingStage.Probabilities(model, requests);
        for (int r = 0; r < requests.Count; r++)
        {
            var scores = contexts[requestOwner[r]].Scores;
            for (int j = 0; j < requests[r].Songs.Length; j++) scores[requests[r].Songs[j]] = computed[r][j];
        }
        PairsScored += requests.Sum(r => (long)r.Songs.Length);
        foreach (var (w, songs, listen, scores) in contexts)
        {
            var final = new float[songs.Length];
            for (int j = 0; j < songs.Length; j++) final[j] = FinalScore(listen.Length == 0 ? null : listen[j], scores.Count == 0 ? null : scores[songs[j]]);
            if (listen.Length > 0) AddStreamTerms(model, Options, _signals, terms[wanted[w].Member], wanted[w].Context.Tab, songs, final);
            var ranked = RankingStage.TopK(songs, final, Options.K);
            var list = new RecommendedSong[ranked.Songs.Length];
            for (int j = 0; j < list.Length; j++) list[j] = new RecommendedSong(model.SongId(ranked.Songs[j]), ranked.Scores[j]);
            items[w] = list;
            var (i, _, context) = wanted[w];
            if (Cacheable(userRows[i])) model.CacheRanked(userRows[i], context, extraSongIds, heard[i]?.Count ?? 0, historyKey[i], list);
        }
        _rankTime.Stop();
    }

    /// <summary>The co-listen neighbours as the model's rows, made anew when the neighbours or the model change.</summary>
    ModelNeighbours? NeighboursFor(ScoringModel model)
    {
        if (_signals.Neighbours is not { } n || (Options.CoListenWeight == 0 && Options.CoListenCandidates == 0)) return null;
        if (_modelNeighbours is { } m && ReferenceEquals(m.Source, n) && ReferenceEquals(m.Model, model)) return m;
        return _modelNeighbours = new ModelNeighbours(n, model);
    }

    /// <summary>The popularity term of the final score for a song with that many recent plays in the list's tab.</summary>
    public static float PopularityTerm(ScoringOptions options, double plays) => (float)(options.PopularityWeight * Math.Log(1 + plays));

    /// <summary>
    /// A song's place in a list. With a listen head: the listen logit (how likely the member plays it
    /// here) plus ReplayWeight x log P(replay | played), i.e. log of expected replays P(play)^1 x
    /// P(replay)^w up to a constant, plus the stream terms (AddStreamTerms); without one, the replay
    /// probability as the seed ranks.
    /// </summary>
    float FinalScore(float? listen, float? replay) => listen switch
    {
        null => replay ?? 0,
        { } l when replay is { } p && Options.ReplayWeight > 0 => l + (float)(Options.ReplayWeight * Math.Log(Math.Max(p, 1e-6f))),
        { } l => l,
    };

    /// <summary>
    /// Each (member, context)'s candidate rows: from the model's cache, else by the candidate kernel
    /// in blocks: the listen head's member-in-context vectors (queries), or the GMF user vectors.
    /// </summary>
    int[][] Candidates(ScoringModel model, (int UserRow, ListeningContext Context, long History)[] keys, HashSet<int>?[] heard, float[]? queries)
    {
        var result = new int[keys.Length][];
        var missing = new List<int>();
        for (int i = 0; i < keys.Length; i++)
        {
            // a cached list was computed before the member's newest listens: drop what they heard since
            if (model.TryGetCandidates(keys[i].UserRow, keys[i].Context, keys[i].History, out var cached)) result[i] = heard[i] is { } h ? cached.Where(s => !h.Contains(s)).ToArray() : cached;
            else missing.Add(i);
        }
        for (int start = 0; start < missing.Count; start += Options.CandidateBlock)
        {
            var block = missing.Skip(start).Take(Options.CandidateBlock).ToArray();
            var exclude = Options.ExcludeHeard ? block.Select(i => (IReadOnlyCollection<int>?)heard[i]).ToArray() : null;
            int[][] top;
            if (queries is not null)
            {
                int dim = model.ListenSongs!.Dim;
                var q = new float[block.Length * dim];
                for (int j = 0; j < block.Length; j++) Array.Copy(queries, block[j] * dim, q, j * dim, dim);
                top = CandidateStage.Top(model.ListenSongs, q, exclude, Options.Candidates);
            }
            else top = CandidateStage.TopByDotProduct(model, block.Select(i => keys[i].UserRow).ToArray(), exclude, Options.Candidates);
            for (int j = 0; j < block.Length; j++)
            {
                var (row, context, recent) = keys[block[j]];
                result[block[j]] = top[j];
                // the unknown row stands for many members: its candidates depend on no one's history
                if (!Options.ExcludeHeard || row != 0) model.CacheCandidates(row, context, recent, top[j]);
            }
        }
        return result;
    }

    /// <summary>
    /// Adds the stream terms of the final score to a list's songs: PopularityWeight x log(1 + recent
    /// plays in the tab), and the member's co-listen bonus (MemberTerms).
    /// </summary>
    public static void AddStreamTerms(ScoringModel model, ScoringOptions options, StreamSignals signals, MemberTerms? terms, string tab, int[] songs, float[] final)
    {
        if (options.PopularityWeight > 0 && signals.Plays is { } plays)
            for (int j = 0; j < songs.Length; j++) final[j] += PopularityTerm(options, plays(tab, model.SongId(songs[j])));
        if (terms is { Bonus.Count: > 0 } t)
            for (int j = 0; j < songs.Length; j++) final[j] += t.Bonus.GetValueOrDefault(songs[j]);
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
