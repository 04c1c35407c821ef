using KkboxNcf.Model.Lists;

namespace KkboxNcf.Scorer.Scoring;

/// <summary>
/// What the Scorer counts from the listens it reads, for the final score's stream terms
/// (ScoringOptions): a song's recent plays in a tab (tab, song id; PopularityWeight) and the co-listen
/// neighbours (CoListenWeight, CoListenCandidates). A null part turns its term off.
/// </summary>
public sealed record StreamSignals(Func<string, string, double>? Plays = null, ItemNeighbours? Neighbours = null)
{
    public static readonly StreamSignals None = new();
}

/// <summary>
/// One member's stream terms by model row: Bonus, CoListenWeight x the co-listen score (item-to-item
/// cosine summed over the songs they heard); Candidates, their best CoListenCandidates songs by it.
/// Songs the model does not know are left out.
/// </summary>
public sealed record MemberTerms(Dictionary<int, float> Bonus, int[] Candidates)
{
    public static MemberTerms Of(ScoringModel model, ScoringOptions options, StreamSignals signals, MemberToScore member)
    {
        var bonus = new Dictionary<int, float>();
        if (signals.Neighbours is not { } neighbours || (options.CoListenWeight == 0 && options.CoListenCandidates == 0) || member.Heard.Count == 0)
            return new MemberTerms(bonus, []);
        var scores = neighbours.Scores(member.Heard);
        var rows = new List<int>(scores.Count);
        var values = new List<float>(scores.Count);
        foreach (var (id, score) in scores)
        {
            int row = model.SongRow(id);
            if (row <= 0) continue;
            rows.Add(row);
            values.Add(score);
            if (options.CoListenWeight > 0) bonus[row] = (float)(options.CoListenWeight * score);
        }
        int take = Math.Min(options.CoListenCandidates, rows.Count);
        return new MemberTerms(bonus, take > 0 ? RankingStage.TopK(rows.ToArray(), values.ToArray(), take).Songs : []);
    }
}
