using KkboxNcf.Model.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Scorer.Scoring;

/// <summary>
/// Stage two: the full NCF (GMF, MLP over every metadata field and the listening context) over each
/// member's candidates, in large batches; keeps the top k per request, best first.
/// </summary>
public static class RankingStage
{
    /// <summary>Rows of a forward pass: large enough to amortise the call, small enough for the cache.</summary>
    public const int DefaultBatchRows = 16_384;

    public static RankedSongs[] Rank(ScoringModel model, IReadOnlyList<RankRequest> requests, int k, int batchRows = DefaultBatchRows)
    {
        var scores = Probabilities(model, requests, batchRows);
        var result = new RankedSongs[requests.Count];
        for (int i = 0; i < requests.Count; i++) result[i] = TopK(requests[i].Songs, scores[i], k);
        return result;
    }

    /// <summary>Full-model probabilities of every candidate of every request.</summary>
    public static float[][] Probabilities(ScoringModel model, IReadOnlyList<RankRequest> requests, int batchRows = DefaultBatchRows)
    {
        int columns = FeatureLayout.Columns;
        var result = new float[requests.Count][];
        var buffer = new long[batchRows * columns];
        var pending = new List<(int Request, int From, int Count, int At)>();
        int filled = 0;

        void Flush()
        {
            if (filled == 0) return;
            float[] p;
            using (var scope = torch.NewDisposeScope())
            {
                var x = torch.tensor(buffer.AsSpan(0, filled * columns).ToArray(), [filled, columns]);
                p = model.Bundle.Model.Predict(x).data<float>().ToArray();
            }
            foreach (var (r, from, count, at) in pending) Array.Copy(p, at, result[r], from, count);
            pending.Clear();
            filled = 0;
        }

        for (int r = 0; r < requests.Count; r++)
        {
            var req = requests[r];
            result[r] = new float[req.Songs.Length];
            var encoded = model.Features.EncodeCandidates(req.UserRow, req.Songs, req.Context.Tab, req.Context.Screen, req.Context.Type);
            int done = 0;
            while (done < req.Songs.Length)
            {
                int take = Math.Min(req.Songs.Length - done, batchRows - filled);
                for (int i = 0; i < take; i++)
                {
                    int row = (filled + i) * columns;
                    for (int c = 0; c < columns; c++) buffer[row + c] = encoded.Columns[c][done + i];
                }
                pending.Add((r, done, take, filled));
                filled += take;
                done += take;
                if (filled == batchRows) Flush();
            }
        }
        Flush();
        return result;
    }

    /// <summary>The k best of songs by score, best first (ties: lower song row first, so results are repeatable).</summary>
    public static RankedSongs TopK(int[] songs, float[] scores, int k)
    {
        k = Math.Min(k, songs.Length);
        var order = new int[songs.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            int c = scores[b].CompareTo(scores[a]);
            return c != 0 ? c : songs[a].CompareTo(songs[b]);
        });
        var top = new int[k];
        var topScores = new float[k];
        for (int i = 0; i < k; i++)
        {
            top[i] = songs[order[i]];
            topScores[i] = scores[order[i]];
        }
        return new RankedSongs(top, topScores);
    }
}
