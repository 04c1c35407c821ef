using KkboxNcf.Contracts.Serving;

namespace KkboxNcf.Scorer.Scoring;

/// <summary>
/// Computes members' lists with one model: candidates from the dot-product stage (cached per member
/// in the model, since they only change with the model) plus the given popular and rising songs,
/// then the full NCF over them in each serving context, top K. Every list of a call carries the one
/// model version it was computed with.
/// </summary>
public sealed class ListScorer(ScoringOptions options)
{
    public ScoringOptions Options { get; } = options;

    public List<RecommendationList> Score(ScoringModel model, IReadOnlyList<MemberToScore> members, IReadOnlyList<string> extraSongIds, long nowMs)
    {
        int n = members.Count;
        var userRows = new int[n];
        var heard = new HashSet<int>?[n];
        for (int i = 0; i < n; i++)
        {
            userRows[i] = model.UserRow(members[i].Msno);
            if (Options.ExcludeHeard) heard[i] = Rows(model, members[i].Heard);
        }
        var candidates = Candidates(model, userRows, heard);
        var extras = Rows(model, extraSongIds);

        var requests = new List<RankRequest>(n * 2);
        var owners = new List<(int Member, string Context)>(n * 2);
        for (int i = 0; i < n; i++)
        {
            var songs = new HashSet<int>(candidates[i]);
            songs.UnionWith(extras);
            if (heard[i] is { } h) songs.ExceptWith(h);
            var array = songs.ToArray();
            Array.Sort(array);
            requests.Add(new RankRequest(userRows[i], array, members[i].Usual));
            owners.Add((i, ServingContexts.Usual));
            if (Options.Discover is { } discover)
            {
                requests.Add(new RankRequest(userRows[i], array, discover));
                owners.Add((i, ServingContexts.Discover));
            }
        }
        var ranked = RankingStage.Rank(model, requests, Options.K);

        var lists = new List<RecommendationList>(requests.Count);
        for (int r = 0; r < requests.Count; r++)
        {
            var (i, context) = owners[r];
            var items = new RecommendedSong[ranked[r].Songs.Length];
            for (int j = 0; j < items.Length; j++) items[j] = new RecommendedSong(model.SongId(ranked[r].Songs[j]), ranked[r].Scores[j]);
            var ctx = requests[r].Context;
            lists.Add(new RecommendationList(members[i].Msno, model.Version, context, ctx.Tab, ctx.Screen, ctx.Type, nowMs, members[i].FreshAsOfMs, items));
        }
        return lists;
    }

    /// <summary>Each member's candidate rows: from the model's cache, else by the matrix product in blocks.</summary>
    int[][] Candidates(ScoringModel model, int[] userRows, HashSet<int>?[] heard)
    {
        var result = new int[userRows.Length][];
        var missing = new List<int>();
        for (int i = 0; i < userRows.Length; i++)
        {
            // a cached list was computed before the member's newest listens: drop what they heard since
            if (model.TryGetCandidates(userRows[i], out var cached)) result[i] = heard[i] is { } h ? cached.Where(s => !h.Contains(s)).ToArray() : cached;
            else missing.Add(i);
        }
        for (int start = 0; start < missing.Count; start += Options.CandidateBlock)
        {
            var block = missing.Skip(start).Take(Options.CandidateBlock).ToArray();
            var rows = block.Select(i => userRows[i]).ToArray();
            var exclude = Options.ExcludeHeard ? block.Select(i => (IReadOnlyCollection<int>?)heard[i]).ToArray() : null;
            var top = CandidateStage.TopByDotProduct(model, rows, exclude, Options.Candidates);
            for (int j = 0; j < block.Length; j++)
            {
                result[block[j]] = top[j];
                // the unknown row stands for many members: its candidates depend on no one's history
                if (!Options.ExcludeHeard || rows[j] != 0) model.CacheCandidates(rows[j], top[j]);
            }
        }
        return result;
    }

    static HashSet<int> Rows(ScoringModel model, IEnumerable<string> songIds)
    {
        var rows = new HashSet<int>();
        foreach (var id in songIds)
        {
            int row = model.SongRow(id);
            if (row > 0) rows.Add(row);
        }
        return rows;
    }
}
