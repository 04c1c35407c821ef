using System.Numerics;
using System.Runtime.Intrinsics;

namespace KkboxNcf.Scorer.Scoring;

/// <summary>
/// Stage one: each member's top-C songs by the model's dot-product part (GMF + song bias; the user
/// bias and the global bias do not change a member's ranking), exact over every song of the
/// vocabulary. A fused kernel instead of a materialised members x songs matrix: with n_dim about 10
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
    /// Top-c song rows for each user row (unordered). exclude[i], when given, are song rows member i
    /// must not get (songs already heard); a member may get fewer than c when too few songs remain.
    /// </summary>
    public static int[][] TopByDotProduct(ScoringModel model, ReadOnlySpan<int> userRows, IReadOnlyList<IReadOnlyCollection<int>?>? exclude, int c)
    {
        int n = userRows.Length;
        var result = new int[n][];
        c = Math.Min(c, model.Songs - 1);
        if (c <= 0)
        {
            for (int i = 0; i < n; i++) result[i] = [];
            return result;
        }
        var rows = userRows.ToArray();
        int groups = (n + Group - 1) / Group;
        Parallel.For(0, groups, g => TopOfGroup(model, rows, g * Group, Math.Min(n, (g + 1) * Group), exclude, c, result));
        return result;
    }

    static void TopOfGroup(ScoringModel model, int[] rows, int start, int end, IReadOnlyList<IReadOnlyCollection<int>?>? exclude, int c, int[][] result)
    {
        int dim = model.Dim, padded = model.PaddedSongs;
        var columns = model.SongColumns;
        var bias = model.PaddedSongBias;
        var users = model.Factors.Users;
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
                int userOffset = rows[start + i] * dim;
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
