using KkboxNcf.Contracts.Serving;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Scorer.Scoring;

/// <summary>
/// A loaded model version ready to score: the bundle (feature space + NCF) and, for the candidate
/// stage, the song side of its dot-product part as one [dim x songs] matrix and a song-bias vector
/// over the songs of the vocabulary (the unknown row 0 gets -inf, so it is never recommended).
/// Also caches each member's candidates, which stay valid as long as this model does.
/// </summary>
public sealed class ScoringModel : IDisposable
{
    readonly Tensor _songsT;
    readonly Tensor _songBias;
    readonly DotProductFactors _factors;
    readonly Dictionary<(int User, ListeningContext Context, long History), int[]> _candidates = new();
    readonly Dictionary<(int User, ListeningContext Context, long History), float[]> _queries = new();
    readonly Dictionary<(int User, ListeningContext Context), Dictionary<int, float>> _scores = new();
    readonly Dictionary<(ListeningContext Context, int Count), int[]> _priors = new();
    readonly Dictionary<(int User, ListeningContext Context), RankedList> _ranked = new();

    readonly bool _ownsModel;

    /// <param name="ownsModel">Dispose the bundle's model with this one (false: the caller keeps using it, e.g. to train it further).</param>
    public ScoringModel(long version, ModelBundle bundle, bool ownsModel = true)
    {
        if (bundle.Model is not IDotProductModel dot)
            throw new NotSupportedException($"the Scorer needs a model with a dot-product part (ncf or mf), got {bundle.Model.Kind}");
        Version = version;
        Bundle = bundle;
        _ownsModel = ownsModel;
        _factors = dot.ExtractFactors();
        Users = Math.Min(bundle.Features[Field.User].Count, _factors.UserCount);
        Songs = Math.Min(bundle.Features[Field.Song].Count, _factors.SongCount);
        using var _ = torch.no_grad();
        _songsT = torch.tensor(_factors.Songs.AsSpan(0, Songs * _factors.Dim).ToArray(), [Songs, _factors.Dim]).t().contiguous();
        var bias = _factors.SongBias.AsSpan(0, Songs).ToArray();
        bias[Vocabulary.UnknownRow] = float.NegativeInfinity;
        _songBias = torch.tensor(bias);
        GmfSongs = new SongIndex(_factors.Dim, _factors.Songs.AsSpan(0, Songs * _factors.Dim), bias);
        Bundle.Model.eval();
        if (bundle.Model is IListenModel { ListenDim: > 0 } listen) ListenSongs = BuildListenSongs(listen);
    }

    /// <summary>The listen head's song vectors of every song of the vocabulary, computed once per model in chunks.</summary>
    SongIndex BuildListenSongs(IListenModel listen)
    {
        const int chunk = 16_384;
        int dim = listen.ListenDim;
        var vectors = new float[Songs * dim];
        var bias = new float[Songs];
        for (int start = 0; start < Songs; start += chunk)
        {
            int n = Math.Min(chunk, Songs - start);
            var rows = Enumerable.Range(start, n).ToArray();
            using var scope = torch.NewDisposeScope();
            var (songs, songBias) = listen.ListenSongs(Features.EncodeCandidates(0, rows).ToTensors().Features.to(ScalarType.Int64));
            songs.contiguous().data<float>().CopyTo(vectors, start * dim);
            songBias.contiguous().data<float>().CopyTo(bias, start);
        }
        return new SongIndex(dim, vectors, bias);
    }

    /// <summary>Whether candidates come from the listen head (else from the GMF part).</summary>
    public bool HasListenHead => ListenSongs is not null;

    /// <summary>The listen head's song vectors (null: the model has no listen head).</summary>
    public SongIndex? ListenSongs { get; }

    /// <summary>The GMF part's song vectors, the candidate stage of a model without a listen head.</summary>
    public SongIndex GmfSongs { get; }

    /// <summary>Recent songs per member the listen head sees (0: none, or no listen head).</summary>
    public int HistoryLength => HasListenHead ? ((IListenModel)Bundle.Model).HistoryLength : 0;

    /// <summary>The model's rows of a member's recent songs (most recent first), HistoryLength long, 0 for unknown songs and padding.</summary>
    public long[] HistoryRows(IReadOnlyList<string> recent)
    {
        var rows = new long[HistoryLength];
        for (int i = 0; i < rows.Length && i < recent.Count; i++) rows[i] = SongRow(recent[i]);
        return rows;
    }

    /// <summary>A key of a history for the caches (FNV-1a over the rows; 0: nothing known).</summary>
    public static long HistoryKey(long[] rows)
    {
        if (rows.All(r => r == 0)) return 0;
        ulong hash = 14695981039346656037UL;
        foreach (long r in rows) hash = (hash ^ (ulong)r) * 1099511628211UL;
        return (long)hash | 1;
    }

    /// <summary>
    /// The listen head's vectors of members (user row, context, recent song rows), computed for those
    /// not asked before (a member's vector depends only on the model, their metadata, the context and
    /// the recent songs) and cached. Row-major [n x ListenDim].
    /// </summary>
    public float[] ListenQueries(IReadOnlyList<(int UserRow, ListeningContext Context, long[] History)> members)
    {
        int dim = ListenSongs!.Dim, length = HistoryLength;
        var keys = members.Select(m => (m.UserRow, m.Context, HistoryKey(m.History))).ToArray();
        var missing = Enumerable.Range(0, members.Count).Where(i => !_queries.ContainsKey(keys[i])).DistinctBy(i => keys[i]).ToArray();
        if (missing.Length > 0)
        {
            int columns = FeatureLayout.Columns;
            var rows = new long[missing.Length * columns];
            var history = new long[missing.Length * length];
            for (int i = 0; i < missing.Length; i++)
            {
                var (user, ctx, recent) = members[missing[i]];
                var one = Features.EncodeCandidates(user, [0], ctx.Tab, ctx.Screen, ctx.Type);
                for (int c = 0; c < columns; c++) rows[i * columns + c] = one.Columns[c][0];
                Array.Copy(recent, 0, history, i * length, length);
            }
            using var scope = torch.NewDisposeScope();
            var vectors = ((IListenModel)Bundle.Model).ListenMembers(torch.tensor(rows, [missing.Length, columns]),
                length == 0 ? null : torch.tensor(history, [missing.Length, length])).contiguous().data<float>().ToArray();
            for (int i = 0; i < missing.Length; i++) _queries[keys[missing[i]]] = vectors.AsSpan(i * dim, dim).ToArray();
        }
        var result = new float[members.Count * dim];
        for (int i = 0; i < members.Count; i++) _queries[keys[i]].CopyTo(result, i * dim);
        return result;
    }

    public long Version { get; }

    public ModelBundle Bundle { get; }

    public FeatureSpace Features => Bundle.Features;

    /// <summary>User rows of the vocabulary (unknown row included).</summary>
    public int Users { get; }

    /// <summary>Song rows of the vocabulary (unknown row included); candidates are rows 1..Songs-1.</summary>
    public int Songs { get; }

    public int Dim => _factors.Dim;

    /// <summary>The song side of the dot-product part, [dim x songs].</summary>
    public Tensor SongsT => _songsT;

    /// <summary>Song biases [songs]; -inf at the unknown row.</summary>
    public Tensor SongBias => _songBias;

    public DotProductFactors Factors => _factors;


    /// <summary>The model's row of a member, or the unknown row 0 (a member the model has not met).</summary>
    public int UserRow(string msno)
    {
        int row = Features[Field.User].Contains(msno) ? Features[Field.User].Lookup(msno) : Vocabulary.UnknownRow;
        return row < Users ? row : Vocabulary.UnknownRow;
    }

    /// <summary>The model's row of a song, or 0 when unknown.</summary>
    public int SongRow(string songId)
    {
        int row = Features[Field.Song].Contains(songId) ? Features[Field.Song].Lookup(songId) : Vocabulary.UnknownRow;
        return row < Songs ? row : Vocabulary.UnknownRow;
    }

    public string SongId(int row) => Features[Field.Song].KeyOf(row);

    /// <summary>Candidates of a member in a context (a model without a listen head has the same candidates in every context).</summary>
    internal bool TryGetCandidates(int userRow, ListeningContext context, long history, out int[] candidates) =>
        _candidates.TryGetValue((userRow, CandidateContext(context), history), out candidates!);

    internal void CacheCandidates(int userRow, ListeningContext context, long history, int[] candidates) =>
        _candidates[(userRow, CandidateContext(context), history)] = candidates;

    ListeningContext CandidateContext(ListeningContext context) => HasListenHead ? context : Neutral;

    public int CachedCandidateLists => _candidates.Count;

    /// <summary>Songs in the prior pool per prior song asked for (see Prior).</summary>
    public const int PriorPoolFactor = 20;

    /// <summary>
    /// The count songs the full model ranks highest in a listening context for the unknown member row
    /// (no member embedding learned, no member metadata): what the model likes from song metadata and
    /// context alone. An exhaustive pass over every song costs about a second on full-size data, too
    /// much for each of the dozens of contexts members use; so one exhaustive pass in a neutral context
    /// (empty tab, screen and type) keeps a pool of PriorPoolFactor x count songs, and each context
    /// re-ranks that pool. Both are kept as long as this model.
    /// </summary>
    internal int[] Prior(ListeningContext context, int count)
    {
        if (!_priors.TryGetValue((context, count), out var prior))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            if (!_priors.TryGetValue((Neutral, -count), out var pool))
            {
                var all = new int[Songs - 1];
                for (int i = 0; i < all.Length; i++) all[i] = i + 1;
                pool = RankingStage.RankAll(this, Vocabulary.UnknownRow, all, Neutral, count * PriorPoolFactor).Songs;
                _priors.Add((Neutral, -count), pool);
            }
            var sorted = pool.Order().ToArray();
            prior = RankingStage.Rank(this, [new RankRequest(Vocabulary.UnknownRow, sorted, context)], count)[0].Songs;
            _priors.Add((context, count), prior);
            PriorTime += clock.Elapsed;
        }
        return prior;
    }

    static readonly ListeningContext Neutral = new("", "", "");

    /// <summary>Contexts whose prior songs were computed, and the time spent computing them.</summary>
    public int PriorContexts => _priors.Keys.Count(k => k.Count > 0);

    public TimeSpan PriorTime { get; private set; }

    /// <summary>
    /// Full-model probabilities already computed for a user row in a listening context, by song row.
    /// They stay valid as long as this model does (the score of a pair depends only on the model, the
    /// member's and song's metadata and the context), so a member's new listens mostly re-rank
    /// known scores: only songs or contexts not scored before cost a forward pass.
    /// </summary>
    internal Dictionary<int, float> ScoresOf(int userRow, ListeningContext context)
    {
        if (!_scores.TryGetValue((userRow, context), out var scores)) _scores.Add((userRow, context), scores = new Dictionary<int, float>());
        return scores;
    }

    /// <summary>
    /// The last list ranked for a user row in a context, and what it was ranked from: the extra songs
    /// (by reference: the Scorer replaces the list when it recomputes them) and how many songs the
    /// member had heard (only when heard songs are left out; a member's heard set only grows), and the key
    /// of the recent songs the listen head saw. A fresh
    /// re-score with the same inputs gets the same list back without building or ranking candidates.
    /// </summary>
    internal sealed record RankedList(IReadOnlyList<string> Extras, int HeardCount, long History, RecommendedSong[] Items);

    internal bool TryGetRanked(int userRow, ListeningContext context, IReadOnlyList<string> extras, int heardCount, long history, out RecommendedSong[] items)
    {
        items = null!;
        if (!_ranked.TryGetValue((userRow, context), out var last) || !ReferenceEquals(last.Extras, extras) || last.HeardCount != heardCount
            || last.History != history) return false;
        items = last.Items;
        return true;
    }

    internal void CacheRanked(int userRow, ListeningContext context, IReadOnlyList<string> extras, int heardCount, long history, RecommendedSong[] items) =>
        _ranked[(userRow, context)] = new RankedList(extras, heardCount, history, items);

    public long CachedScores => _scores.Values.Sum(s => (long)s.Count);

    public void Dispose()
    {
        _songsT.Dispose();
        _songBias.Dispose();
        if (_ownsModel) Bundle.Model.Dispose();
    }
}
