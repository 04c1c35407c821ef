using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Scorer.Scoring;

/// <summary>
/// Stage one: each member's top-C songs by the model's dot-product part (GMF + song bias; the user
/// bias and the global bias do not change a member's ranking), by an exact matrix product of a
/// block of members against every song of the vocabulary, then top-k per row.
/// </summary>
public static class CandidateStage
{
    /// <summary>
    /// Top-c song rows for each user row (unordered). exclude[i], when given, are song rows member i
    /// must not get (songs already heard); a member may get fewer than c when too few songs remain.
    /// </summary>
    public static int[][] TopByDotProduct(ScoringModel model, ReadOnlySpan<int> userRows, IReadOnlyList<IReadOnlyCollection<int>?>? exclude, int c)
    {
        int n = userRows.Length;
        if (n == 0) return [];
        int dim = model.Dim;
        c = Math.Min(c, model.Songs - 1);
        if (c <= 0) return Enumerable.Range(0, n).Select(_ => Array.Empty<int>()).ToArray();

        var users = new float[n * dim];
        var source = model.Factors.Users;
        for (int i = 0; i < n; i++) Array.Copy(source, userRows[i] * dim, users, i * dim, dim);

        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var scores = torch.tensor(users, [n, dim]).mm(model.SongsT).add_(model.SongBias);
        if (exclude is not null) Mask(scores, exclude, model.Songs);
        var (values, indices) = scores.topk(c, dim: 1, largest: true, sorted: false);
        var v = values.data<float>().ToArray();
        var idx = indices.data<long>().ToArray();
        var result = new int[n][];
        for (int i = 0; i < n; i++)
        {
            var row = new List<int>(c);
            for (int j = 0; j < c; j++)
                if (!float.IsNegativeInfinity(v[i * c + j])) row.Add((int)idx[i * c + j]);
            result[i] = row.ToArray();
        }
        return result;
    }

    static void Mask(Tensor scores, IReadOnlyList<IReadOnlyCollection<int>?> exclude, int songs)
    {
        var rows = new List<long>();
        var cols = new List<long>();
        for (int i = 0; i < exclude.Count; i++)
        {
            if (exclude[i] is not { } set) continue;
            foreach (int s in set)
                if (s > 0 && s < songs) { rows.Add(i); cols.Add(s); }
        }
        if (rows.Count == 0) return;
        scores.index_put_(torch.tensor(float.NegativeInfinity), [torch.tensor(rows.ToArray()), torch.tensor(cols.ToArray())]);
    }
}
