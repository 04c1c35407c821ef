using KkboxNcf.Data;
using KkboxNcf.Model.Lists;

namespace KkboxNcf.Tests.Model.Lists;

/// <summary>What every list recommender must do, on random listens: the protocol's checks pass, and a batch gives the lists one-by-one calls give.</summary>
public class EveryListRecommenderTests
{
    public static TheoryData<string> Names => ["random", "popular", "window", "tab", "item-item"];

    static IListRecommender Create(string name) => name switch
    {
        "random" => new RandomRecommender(3),
        "popular" => new PopularRecommender(),
        "window" => new PopularRecommender(100),
        "tab" => new ContextPopularRecommender(),
        "item-item" => new ItemItemRecommender(),
        _ => throw new ArgumentException(name),
    };

    static List<Listen> RandomListens(int seed)
    {
        var rng = new Random(seed);
        var pairs = new HashSet<(int, int)>();
        var listens = new List<Listen>();
        string[] tabs = ["my library", "discover", "radio", ""];
        while (listens.Count < 3000)
        {
            // songs skewed towards low numbers, so some are popular
            int m = rng.Next(60), s = (int)(400 * Math.Pow(rng.NextDouble(), 2));
            if (!pairs.Add((m, s))) continue;   // each member-song pair once, as in KKBOX
            listens.Add(new Listen(listens.Count + 1, $"m{m}", $"s{s}", tabs[rng.Next(tabs.Length)], "screen", "type", rng.Next(2)));
        }
        return listens;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void WritesValidListsWithMetricsInRange(string name)
    {
        var e = ListEvaluation.TimeSplit(RandomListens(1));
        Assert.NotEmpty(e.Requests);
        var s = e.Evaluate(Create(name));   // throws on a heard song, a repeated song or a list too long
        Assert.Equal(e.Requests.Count, s.Lists);
        foreach (double v in new[] { s.HitRate10, s.Ndcg10, s.Recall50, s.Mrr, s.Coverage, s.Personalisation }) Assert.InRange(v, 0, 1);
        Assert.True(s.Ndcg10 <= s.HitRate10);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ABatchGivesTheListsOfOneByOneCalls(string name)
    {
        var e = ListEvaluation.TimeSplit(RandomListens(2));
        var one = Create(name);
        var batch = Create(name);
        one.Fit(e.Train);
        batch.Fit(e.Train);
        var lists = batch.RecommendAll(e.Requests, ListEvaluation.ListLength);
        for (int i = 0; i < e.Requests.Count; i++)
        {
            var r = e.Requests[i];
            Assert.Equal(lists[i], one.Recommend(r.Member, r.Context, ListEvaluation.ListLength, r.Exclude));
            Assert.Equal(ListEvaluation.ListLength, lists[i].Count);
        }
    }
}
