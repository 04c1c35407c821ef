using System.Numerics;
using System.Runtime.Intrinsics;

namespace KkboxNcf.Scorer.Scoring;

/// <summary>
/// Stage one: each member's top-C songs by a dot product, exact over every song of the vocabulary:
/// the listen head's member-in-context vector . song vector + song bias when the model has one (what
/// the member will play), else the GMF part (GMF + song bias; the user bias and the global bias do not
/// change a member's ranking). A fused kernel instead of a materialised members x songs matrix: with n_dim about 10
/// that matrix product is bound by memory (writing and re-reading ~400 MB per block of 256 members),
/// while here a tile of songs stays in the L2 cache for a group of members, each tile's scores are
/// computed with 256-bit vectors, and only scores above the member's current C-th best reach a heap.
/// Member groups run in parallel.
/// </summary>
public static class CandidateStage
{
    const int Tile = 4096;
    const int Group = 32;

    /// <summary>
    /// Top-c song rows for each user row by the model's GMF part (unordered). exclude[i], when given, are
    /// song rows member i must not get (songs already heard); a member may get fewer than c when too few songs remain.
    /// </summary>
    public static int[][] TopByDotProduct(ScoringModel model, ReadOnlySpan<int> userRows, IReadOnlyList<IReadOnlyCollection<int>?>? exclude, int c)
    {
        var users = model.Factors.Users;
        var queries = new float[userRows.Length * model.Dim];
        for (int i = 0; i < userRows.Length; i++) Array.Copy(users, userRows[i] * model.Dim, queries, i * model.Dim, model.Dim);
        return Top(model.GmfSongs, queries, exclude, c);
    }

    /// <summary>
    /// Top-c song rows of the index for each query vector (queries: row-major [n x index.Dim]), unordered,
    /// by query . song + song bias; exclude as for TopByDotProduct.
    /// </summary>
    public static int[][] Top(SongIndex index, float[] queries, IReadOnlyList<IReadOnlyCollection<int>?>? exclude, int c)
    {
        int n = queries.Length / index.Dim;
        var result = new int[n][];
        c = Math.Min(c, index.Songs - 1);
        if (c <= 0)
        {
            for (int i = 0; i < n; i++) result[i] = [];
            return result;
        }
        int groups = (n + Group - 1) / Group;
        Parallel.For(0, groups, g => TopOfGroup(index, queries, g * Group, Math.Min(n, (g + 1) * Group), exclude, c, result));
        return result;
    }

    static void TopOfGroup(SongIndex index, float[] users, int start, int end, IReadOnlyList<IReadOnlyCollection<int>?>? exclude, int c, int[][] result)
    {
        int dim = index.Dim, padded = index.PaddedSongs;
        var columns = index.Columns;
        var bias = index.Bias;
        int m = end - start;
        var heaps = new TopHeap[m];
        for (int i = 0; i < m; i++) heaps[i] = new TopHeap(c);
        var scores = new float[Tile];
        var u = new Vector256<float>[dim];
        for (int t0 = 0; t0 < padded; t0 += Tile)
        {
            int len = Math.Min(Tile, padded - t0);
            for (int i = 0; i < m; i++)
            {
                int userOffset = (start + i) * dim;
                for (int d = 0; d < dim; d++) u[d] = Vector256.Create(users[userOffset + d]);
                for (int j = 0; j < len; j += 8)
                {
                    var acc = Vector256<float>.Zero;
                    for (int d = 0; d < dim; d++) acc += u[d] * Vector256.Create(columns, d * padded + t0 + j);
                    (acc + Vector256.Create(bias, t0 + j)).CopyTo(scores, j);
                }
                var heap = heaps[i];
                var skip = exclude?[start + i];
                float threshold = heap.Threshold;
                for (int j = 0; j < len; j += 8)
                {
                    uint above = Vector256.GreaterThan(Vector256.Create(scores, j), Vector256.Create(threshold)).ExtractMostSignificantBits();
                    while (above != 0)
                    {
                        int k = j + BitOperations.TrailingZeroCount(above);
                        above &= above - 1;
                        if (!(scores[k] > threshold)) continue;
                        int song = t0 + k;
                        if (skip is not null && skip.Contains(song)) continue;
                        heap.Offer(scores[k], song);
                        threshold = heap.Threshold;
                    }
                }
            }
        }
        for (int i = 0; i < m; i++) result[start + i] = heaps[i].Songs();
    }
}

/// <summary>
/// Song vectors laid out for the candidate kernel: one row of song values per dimension
/// ([Dim x PaddedSongs], zero past Songs) and a bias per song (-inf at the unknown row 0 and past
/// Songs, so those are never candidates). PaddedSongs is Songs rounded up to whole 256-bit vectors.
/// </summary>
public sealed class SongIndex
{
    /// <param name="songs">Row-major song vectors [songs x dim].</param>
    public SongIndex(int dim, ReadOnlySpan<float> songs, ReadOnlySpan<float> bias)
    {
        Dim = dim;
        Songs = bias.Length;
        PaddedSongs = (Songs + 7) / 8 * 8;
        Columns = new float[dim * PaddedSongs];
        for (int s = 0; s < Songs; s++)
            for (int d = 0; d < dim; d++) Columns[d * PaddedSongs + s] = songs[s * dim + d];
        Bias = new float[PaddedSongs];
        Array.Fill(Bias, float.NegativeInfinity);
        bias.CopyTo(Bias);
        if (Songs > 0) Bias[0] = float.NegativeInfinity;
    }

    public int Dim { get; }
    public int Songs { get; }
    public int PaddedSongs { get; }
    public float[] Columns { get; }
    public float[] Bias { get; }

    /// <summary>query . song + bias of one song row.</summary>
    public float Score(ReadOnlySpan<float> query, int song)
    {
        float dot = Bias[song];
        for (int d = 0; d < Dim; d++) dot += query[d] * Columns[d * PaddedSongs + song];
        return dot;
    }
}
