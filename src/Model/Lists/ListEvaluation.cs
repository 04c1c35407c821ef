using System.Diagnostics;
using KkboxNcf.Data;

namespace KkboxNcf.Model.Lists;

/// <summary>
/// The list protocol. The listens are split in time (row order): a recommender learns from the
/// train part, then for every test member seen before the split and every context they listen in
/// later, it writes one list over the songs known before the split, leaving out the songs that member
/// already heard (KKBOX holds each member-song pair once, so a heard song can never be a later listen).
/// Each later listen of that member in that context is a hit when its song is in the list. Test
/// listens of members never seen before the split have no list to judge and are only counted.
/// </summary>
public sealed class ListEvaluation
{
    /// <summary>Songs per list: the longest cutoff of the metrics (Recall@50, MRR).</summary>
    public const int ListLength = 50;
    public const int TopK = 10;

    readonly List<string[]> _relevant = [];

    public ListEvaluation(IReadOnlyList<Listen> train, IReadOnlyList<Listen> test)
    {
        Train = train;
        Test = test;
        var catalogue = new HashSet<string>(StringComparer.Ordinal);
        var heard = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var l in train)
        {
            catalogue.Add(l.SongId);
            if (!heard.TryGetValue(l.Msno, out var songs)) heard.Add(l.Msno, songs = new HashSet<string>(StringComparer.Ordinal));
            songs.Add(l.SongId);
        }
        CatalogueSize = catalogue.Count;

        var requests = new List<ListRequest>();
        var relevant = new List<List<string>>();
        var index = new Dictionary<(string, ListContext), int>();
        foreach (var l in test)
        {
            if (!heard.TryGetValue(l.Msno, out var exclude)) { UnknownMemberListens++; continue; }
            var context = new ListContext(l.SourceSystemTab, l.SourceScreenName, l.SourceType);
            if (!index.TryGetValue((l.Msno, context), out int r))
            {
                index.Add((l.Msno, context), r = requests.Count);
                requests.Add(new ListRequest(l.Msno, context, exclude));
                relevant.Add([]);
            }
            relevant[r].Add(l.SongId);
            JudgedListens++;
        }
        Requests = requests;
        foreach (var r in relevant) _relevant.Add(r.ToArray());
    }

    /// <summary>The first trainShare of the listens (row order) to learn from, the rest to judge.</summary>
    public static ListEvaluation TimeSplit(IReadOnlyList<Listen> listens, double trainShare = 0.95)
    {
        if (trainShare is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(trainShare), trainShare, "must lie strictly between 0 and 1");
        int cut = (int)Math.Round(listens.Count * trainShare);
        return new ListEvaluation(listens.Take(cut).ToArray(), listens.Skip(cut).ToArray());
    }

    public IReadOnlyList<Listen> Train { get; }
    public IReadOnlyList<Listen> Test { get; }

    /// <summary>One per (test member seen before the split, context of their later listens), in order of first appearance.</summary>
    public IReadOnlyList<ListRequest> Requests { get; }

    /// <summary>The later listens' songs of each request.</summary>
    public IReadOnlyList<string> RelevantOf(int request) => _relevant[request];

    /// <summary>Distinct songs in the train listens: what a list may hold.</summary>
    public int CatalogueSize { get; }

    public int JudgedListens { get; }
    public int UnknownMemberListens { get; }

    /// <summary>Fits the recommender on the train listens, asks for every list and scores them.</summary>
    public ListScores Evaluate(IListRecommender recommender)
    {
        var clock = Stopwatch.StartNew();
        recommender.Fit(Train);
        double fitSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var lists = recommender.RecommendAll(Requests, ListLength);
        double recommendSeconds = clock.Elapsed.TotalSeconds;
        return Score(recommender.Name, lists, fitSeconds, recommendSeconds);
    }

    /// <summary>Scores lists already written, one per request; a list holding a left-out song, a song twice or too many songs is an error of its writer.</summary>
    public ListScores Score(string name, IReadOnlyList<IReadOnlyList<string>> lists, double fitSeconds = 0, double recommendSeconds = 0)
    {
        if (lists.Count != Requests.Count) throw new ArgumentException($"{name} wrote {lists.Count} lists for {Requests.Count} requests");
        double hits = 0, ndcg = 0, rr = 0, recall = 0;
        for (int r = 0; r < lists.Count; r++)
        {
            var list = lists[r];
            if (list.Count > ListLength) throw new InvalidOperationException($"{name} wrote {list.Count} songs, more than the {ListLength} asked for");
            if (list.Distinct(StringComparer.Ordinal).Count() != list.Count) throw new InvalidOperationException($"{name} wrote a song twice in one list");
            if (list.FirstOrDefault(Requests[r].Exclude.Contains) is { } heard)
                throw new InvalidOperationException($"{name} recommended {heard} to {Requests[r].Member}, who heard it before the split");
            foreach (var song in _relevant[r])
            {
                int rank = ListMetrics.RankOf(list, song);
                hits += ListMetrics.Hit(rank, TopK);
                ndcg += ListMetrics.Ndcg(rank, TopK);
                rr += ListMetrics.ReciprocalRank(rank);
            }
            recall += ListMetrics.Recall(list, _relevant[r], ListLength);
        }
        int listens = Math.Max(1, JudgedListens);
        var members = Requests.Select((q, i) => (q.Member, lists[i])).ToList();
        return new ListScores(name, hits / listens, ndcg / listens, lists.Count == 0 ? 0 : recall / lists.Count, rr / listens,
            ListMetrics.Coverage(lists, TopK, CatalogueSize), ListMetrics.Personalisation(members, TopK),
            lists.Count, JudgedListens, fitSeconds, recommendSeconds);
    }
}
