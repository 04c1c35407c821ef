namespace KkboxNcf.Scorer.Scoring;

/// <summary>
/// How much the candidate stage loses: for each member, the share of the exhaustive top K (the final
/// score over every song of the vocabulary: the listen head's logit plus ReplayWeight x log P(replay)
/// plus the stream terms, or the full NCF's replay probability for a model without a listen head) that
/// the two-stage list also has. 1 = nothing lost.
/// </summary>
public static class CandidateRecall
{
    public sealed record Result(int Members, int K, double MeanRecall, double MinRecall, double ExhaustiveSeconds);

    /// <param name="signals">The stream terms' inputs, as the Scorer passes them; null: none.</param>
    public static Result Measure(ScoringModel model, ListScorer scorer, IReadOnlyList<MemberToScore> members, IReadOnlyList<string> extras,
        StreamSignals? signals = null)
    {
        int k = scorer.Options.K;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var all = Enumerable.Range(1, model.Songs - 1).ToArray();
        var recalls = new List<double>(members.Count);
        var neighbours = signals?.Neighbours is { } n ? new ModelNeighbours(n, model) : null;
        TimeSpan exhaustive = TimeSpan.Zero;
        foreach (var m in members)
        {
            var songs = all;
            if (scorer.Options.ExcludeHeard)
            {
                var heard = m.Heard.Select(model.SongRow).ToHashSet();
                songs = all.Where(s => !heard.Contains(s)).ToArray();
            }
            var started = clock.Elapsed;
            var best = model.HasListenHead ? ExhaustiveFinal(model, scorer.Options, m, songs, k, signals ?? StreamSignals.None, neighbours) : RankingStage.RankAll(model, model.UserRow(m.Msno), songs, m.Usual, k);
            exhaustive += clock.Elapsed - started;
            var twoStage = scorer.Score(model, [m], extras, 0, signals: signals)[0];
            var exact = best.Songs.Select(model.SongId).ToHashSet(StringComparer.Ordinal);
            if (exact.Count == 0) continue;
            recalls.Add(twoStage.Items.Count(i => exact.Contains(i.SongId)) / (double)exact.Count);
        }
        return new Result(recalls.Count, k, recalls.Count == 0 ? double.NaN : recalls.Average(), recalls.Count == 0 ? double.NaN : recalls.Min(),
            exhaustive.TotalSeconds);
    }

    /// <summary>The top k of every given song by the final score of a model with a listen head.</summary>
    static RankedSongs ExhaustiveFinal(ScoringModel model, ScoringOptions options, MemberToScore m, int[] songs, int k, StreamSignals signals, ModelNeighbours? neighbours)
    {
        int user = model.UserRow(m.Msno);
        var query = model.ListenQueries([(user, m.Usual, model.HistoryRows(m.Recent))]);
        var final = new float[songs.Length];
        for (int j = 0; j < songs.Length; j++) final[j] = model.ListenSongs!.Score(query, songs[j]);
        if (options.ReplayWeight > 0)
        {
            var requests = songs.Chunk(RankingStage.DefaultBatchRows).Select(c => new RankRequest(user, c, m.Usual)).ToList();
            var p = RankingStage.Probabilities(model, requests).SelectMany(x => x).ToArray();
            for (int j = 0; j < songs.Length; j++) final[j] += (float)(options.ReplayWeight * Math.Log(Math.Max(p[j], 1e-6f)));
        }
        ListScorer.AddStreamTerms(model, options, signals, MemberTerms.Of(neighbours, options, m, songs), m.Usual.Tab, songs, final);
        return RankingStage.TopK(songs, final, k);
    }
}
