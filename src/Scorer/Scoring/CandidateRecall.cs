namespace KkboxNcf.Scorer.Scoring;

/// <summary>
/// How much the candidate stage loses: for each member, the share of the exhaustive top K (the full
/// NCF over every song of the vocabulary) that the two-stage list also has. 1 = nothing lost.
/// </summary>
public static class CandidateRecall
{
    public sealed record Result(int Members, int K, double MeanRecall, double MinRecall, double ExhaustiveSeconds);

    public static Result Measure(ScoringModel model, ListScorer scorer, IReadOnlyList<MemberToScore> members, IReadOnlyList<string> extras)
    {
        int k = scorer.Options.K;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var all = Enumerable.Range(1, model.Songs - 1).ToArray();
        var recalls = new List<double>(members.Count);
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
            var best = RankingStage.RankAll(model, model.UserRow(m.Msno), songs, m.Usual, k);
            exhaustive += clock.Elapsed - started;
            var twoStage = scorer.Score(model, [m], extras, 0)[0];
            var exact = best.Songs.Select(model.SongId).ToHashSet(StringComparer.Ordinal);
            if (exact.Count == 0) continue;
            recalls.Add(twoStage.Items.Count(i => exact.Contains(i.SongId)) / (double)exact.Count);
        }
        return new Result(recalls.Count, k, recalls.Count == 0 ? double.NaN : recalls.Average(), recalls.Count == 0 ? double.NaN : recalls.Min(),
            exhaustive.TotalSeconds);
    }
}
