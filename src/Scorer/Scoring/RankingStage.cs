using KkboxNcf.Model.Features;
using KkboxNcf.Model.Models;
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

    /// <summary>
    /// The k best of many songs (an exhaustive ranking) for one member in one context, in requests of
    /// DefaultBatchRows songs: one request of every song would be one forward pass over hundreds of
    /// thousands of pairs, gigabytes of activations at once.
    /// </summary>
    public static RankedSongs RankAll(ScoringModel model, int userRow, int[] songs, ListeningContext context, int k)
    {
        var requests = new List<RankRequest>();
        for (int start = 0; start < songs.Length; start += DefaultBatchRows)
            requests.Add(new RankRequest(userRow, songs[start..Math.Min(songs.Length, start + DefaultBatchRows)], context));
        var scores = Probabilities(model, requests);
        return TopK(songs, scores.SelectMany(p => p).ToArray(), k);
    }

    /// <summary>Full-model probabilities of every candidate of every request.</summary>
    public static float[][] Probabilities(ScoringModel model, IReadOnlyList<RankRequest> requests, int batchRows = DefaultBatchRows) =>
        model.Bundle.Model is NcfModel ncf ? Factored(model, ncf, requests, batchRows * 2) : Plain(model, requests, batchRows);

    /// <summary>
    /// NCF probabilities through its factored first layer: per chunk of pairs, each distinct song and
    /// each distinct (member, context) is encoded and embedded once (NcfModel.PredictPairs).
    /// </summary>
    static float[][] Factored(ScoringModel model, NcfModel ncf, IReadOnlyList<RankRequest> requests, int chunkPairs)
    {
        int columns = FeatureLayout.Columns;
        var result = requests.Select(r => new float[r.Songs.Length]).ToArray();
        int r0 = 0;
        while (r0 < requests.Count)
        {
            // whole requests per chunk (a request larger than a chunk makes a chunk of its own)
            int r1 = r0, pairs = 0;
            while (r1 < requests.Count && (r1 == r0 || pairs + requests[r1].Songs.Length <= chunkPairs)) pairs += requests[r1++].Songs.Length;

            var songIndex = new Dictionary<int, int>();
            var pairSong = new long[pairs];
            var pairMember = new long[pairs];
            int p = 0;
            for (int r = r0; r < r1; r++)
                foreach (int song in requests[r].Songs)
                {
                    if (!songIndex.TryGetValue(song, out int si)) songIndex.Add(song, si = songIndex.Count);
                    pairSong[p] = si;
                    pairMember[p++] = r - r0;
                }
            var songs = new int[songIndex.Count];
            foreach (var (song, i) in songIndex) songs[i] = song;
            var songRows = Rows(model.Features.EncodeCandidates(0, songs), songs.Length, columns);
            var memberRows = new long[(r1 - r0) * columns];
            for (int r = r0; r < r1; r++)
            {
                var ctx = requests[r].Context;
                var one = model.Features.EncodeCandidates(requests[r].UserRow, [0], ctx.Tab, ctx.Screen, ctx.Type);
                for (int c = 0; c < columns; c++) memberRows[(r - r0) * columns + c] = one.Columns[c][0];
            }
            float[] probabilities;
            using (var scope = torch.NewDisposeScope())
            {
                probabilities = ncf.PredictPairs(torch.tensor(songRows, [songs.Length, columns]), torch.tensor(memberRows, [r1 - r0, columns]),
                    torch.tensor(pairSong), torch.tensor(pairMember)).data<float>().ToArray();
            }
            p = 0;
            for (int r = r0; r < r1; r++)
            {
                Array.Copy(probabilities, p, result[r], 0, requests[r].Songs.Length);
                p += requests[r].Songs.Length;
            }
            r0 = r1;
        }
        return result;
    }

    static long[] Rows(EncodedDataset data, int count, int columns)
    {
        var rows = new long[count * columns];
        for (int i = 0; i < count; i++)
            for (int c = 0; c < columns; c++) rows[i * columns + c] = data.Columns[c][i];
        return rows;
    }

    /// <summary>Any model: every pair encoded whole and run through its forward.</summary>
    static float[][] Plain(ScoringModel model, IReadOnlyList<RankRequest> requests, int batchRows)
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
