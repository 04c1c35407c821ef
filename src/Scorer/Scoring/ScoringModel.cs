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
    readonly Dictionary<int, int[]> _candidates = new();
    readonly Dictionary<(int User, ListeningContext Context), Dictionary<int, float>> _scores = new();

    public ScoringModel(long version, ModelBundle bundle)
    {
        if (bundle.Model is not IDotProductModel dot)
            throw new NotSupportedException($"the Scorer needs a model with a dot-product part (ncf or mf), got {bundle.Model.Kind}");
        Version = version;
        Bundle = bundle;
        _factors = dot.ExtractFactors();
        Users = Math.Min(bundle.Features[Field.User].Count, _factors.UserCount);
        Songs = Math.Min(bundle.Features[Field.Song].Count, _factors.SongCount);
        using var _ = torch.no_grad();
        _songsT = torch.tensor(_factors.Songs.AsSpan(0, Songs * _factors.Dim).ToArray(), [Songs, _factors.Dim]).t().contiguous();
        var bias = _factors.SongBias.AsSpan(0, Songs).ToArray();
        bias[Vocabulary.UnknownRow] = float.NegativeInfinity;
        _songBias = torch.tensor(bias);
        // the candidate kernel's layout: one row of song values per dimension, padded to whole vectors with -inf biases
        PaddedSongs = (Songs + 7) / 8 * 8;
        SongColumns = new float[_factors.Dim * PaddedSongs];
        for (int s = 0; s < Songs; s++)
            for (int d = 0; d < _factors.Dim; d++) SongColumns[d * PaddedSongs + s] = _factors.Songs[s * _factors.Dim + d];
        PaddedSongBias = new float[PaddedSongs];
        Array.Fill(PaddedSongBias, float.NegativeInfinity);
        bias.CopyTo(PaddedSongBias, 0);
        Bundle.Model.eval();
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

    /// <summary>Songs rounded up to a multiple of 8 (one 256-bit vector of floats).</summary>
    public int PaddedSongs { get; }

    /// <summary>The dot-product song vectors by dimension: [dim x PaddedSongs], zero past Songs.</summary>
    public float[] SongColumns { get; }

    /// <summary>Song biases over PaddedSongs; -inf at the unknown row and past Songs, so they are never candidates.</summary>
    public float[] PaddedSongBias { get; }

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

    internal bool TryGetCandidates(int userRow, out int[] candidates) => _candidates.TryGetValue(userRow, out candidates!);

    internal void CacheCandidates(int userRow, int[] candidates) => _candidates[userRow] = candidates;

    public int CachedCandidateLists => _candidates.Count;

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

    public long CachedScores => _scores.Values.Sum(s => (long)s.Count);

    public void Dispose()
    {
        _songsT.Dispose();
        _songBias.Dispose();
        Bundle.Model.Dispose();
    }
}
