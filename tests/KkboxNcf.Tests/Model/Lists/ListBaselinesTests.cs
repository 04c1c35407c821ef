using KkboxNcf.Data;
using KkboxNcf.Model.Lists;
using static KkboxNcf.Tests.Model.Lists.ListEvaluationTests;

namespace KkboxNcf.Tests.Model.Lists;

public class ListBaselinesTests
{
    static readonly HashSet<string> None = [];
    static readonly ListContext TabA = new("A", "", ""), TabB = new("B", "", "");

    static IReadOnlyList<string> Fit(IListRecommender r, IReadOnlyList<Listen> train, string member, ListContext context, int k, IReadOnlySet<string>? exclude = null)
    {
        r.Fit(train);
        return r.Recommend(member, context, k, exclude ?? None);
    }

    // counts: s1 3, s2 2, s3 1; the last two listens are s2 (tab B) and s3 (tab B)
    static readonly Listen[] Counts = [L("u1", "s1"), L("u2", "s1"), L("u3", "s1"), L("u4", "s2"), L("u5", "s2", "B"), L("u6", "s3", "B")];

    [Fact]
    public void PopularRanksByCountAndLeavesHeardSongsOut()
    {
        Assert.Equal(["s1", "s2", "s3"], Fit(new PopularRecommender(), Counts, "u9", TabA, 10));
        Assert.Equal(["s2", "s3"], Fit(new PopularRecommender(), Counts, "u1", TabA, 10, new HashSet<string> { "s1" }));
        Assert.Equal(["s1"], Fit(new PopularRecommender(), Counts, "u9", TabA, 1));
    }

    [Fact]
    public void TrailingWindowRanksTheLastListensFirstThenTheRest()
    {
        // the last 2 listens: s2 and s3 once each (tie by id), then s1 from the whole count
        Assert.Equal(["s2", "s3", "s1"], Fit(new PopularRecommender(2), Counts, "u9", TabA, 10));
    }

    [Fact]
    public void ContextPopularRanksWithinTheTab()
    {
        Assert.Equal(["s2", "s3", "s1"], Fit(new ContextPopularRecommender(), Counts, "u9", TabB, 10));
        Assert.Equal(["s1", "s2", "s3"], Fit(new ContextPopularRecommender(), Counts, "u9", TabA, 10));
        // a tab never seen: everything by its count
        Assert.Equal(["s1", "s2", "s3"], Fit(new ContextPopularRecommender(), Counts, "u9", new ListContext("radio", "", ""), 10));
    }

    [Fact]
    public void RandomDrawsDistinctUnheardSongsRepeatably()
    {
        var train = Enumerable.Range(0, 100).Select(i => L($"u{i % 7}", $"s{i}")).ToArray();
        var heard = new HashSet<string> { "s1", "s2", "s3" };
        var a = Fit(new RandomRecommender(5), train, "u1", TabA, 50, heard);
        var b = Fit(new RandomRecommender(5), train, "u1", TabA, 50, heard);
        Assert.Equal(a, b);
        Assert.Equal(50, a.Distinct().Count());
        Assert.DoesNotContain(a, heard.Contains);
        // fewer songs left than asked: all of them
        Assert.Equal(97, Fit(new RandomRecommender(5), train, "u1", TabA, 200, heard).Count);
    }

    // u1 {a, b}, u2 {a, b, c}, u3 {c, d}, u4 {d, e}; listeners a 2, b 2, c 2, d 2, e 1:
    // cos(a,b) = 2/2 = 1, cos(a,c) = cos(b,c) = cos(c,d) = 1/2, cos(d,e) = 1/sqrt(2), every other pair 0
    static readonly Listen[] Co = [L("u1", "a"), L("u1", "b"), L("u2", "a"), L("u2", "b"), L("u2", "c"), L("u3", "c"), L("u3", "d"), L("u4", "d"), L("u4", "e")];

    [Fact]
    public void ItemItemSumsCosineOverTheSongsTheMemberHeard()
    {
        // u3 heard c and d: e 0.71 (from d), a and b 0.5 (from c; tie by popularity, then id); popularity alone says a, b, e
        Assert.Equal(["e", "a", "b"], Fit(new ItemItemRecommender(), Co, "u3", TabA, 10, new HashSet<string> { "c", "d" }));
        Assert.Equal(["a", "b", "e"], Fit(new PopularRecommender(), Co, "u3", TabA, 10, new HashSet<string> { "c", "d" }));
        // u1 heard a and b: c 1/2 + 1/2; d and e are neighbours of neither and follow by popularity
        Assert.Equal(["c", "d", "e"], Fit(new ItemItemRecommender(), Co, "u1", TabA, 10, new HashSet<string> { "a", "b" }));
        // a member never seen scores nothing: popularity
        Assert.Equal(["a", "b", "c"], Fit(new ItemItemRecommender(), Co, "new", TabA, 3));
    }

    [Fact]
    public void NeighboursAreTheCosineOfCoListensBestFirst()
    {
        var index = ItemNeighbours.Build(Co.GroupBy(l => l.Msno).Select(g => g.Select(l => l.SongId)));
        Assert.Equal((5, 4), (index.Songs, index.Members));
        Assert.Equal([("b", 1f), ("c", 0.5f)], index.NeighboursOf("a"));
        Assert.Equal(["e", "c"], index.NeighboursOf("d").Select(n => n.Song));
        Assert.Equal(1 / Math.Sqrt(2), index.NeighboursOf("d").First().Similarity, 5);
        Assert.Empty(index.NeighboursOf("unknown"));
        // a member who heard a and d: b 1, c 1/2 + 1/2, e 0.71
        var scores = index.Scores(["a", "d"]);
        Assert.Equal(1f, scores["b"], 5);
        Assert.Equal(1f, scores["c"], 5);
        Assert.Equal(1 / Math.Sqrt(2), scores["e"], 5);
        Assert.Equal(0, ItemNeighbours.Build([]).Songs);
    }

    [Fact]
    public void ItemItemKeepsOnlyKNeighbours()
    {
        // K = 1: d keeps only e (0.71), e only d; u4 heard both, so nothing scores and the list is popularity,
        // where K = 20 puts c (a neighbour of d at 1/2) first
        Assert.Equal(["c", "a", "b"], Fit(new ItemItemRecommender(), Co, "u4", TabA, 10, new HashSet<string> { "d", "e" }));
        Assert.Equal(["a", "b", "c"], Fit(new ItemItemRecommender(1), Co, "u4", TabA, 10, new HashSet<string> { "d", "e" }));
    }

    [Fact]
    public void ItemItemFindsAPlantedTasteThatPopularityMisses()
    {
        // two groups of members who each play their own 20 songs; group B's songs are played less, and each B member's
        // 5 unheard B songs are all neighbours of what they heard
        var train = new List<Listen>();
        var rng = new Random(1);
        for (int m = 0; m < 80; m++)
        {
            bool a = m < 60;
            foreach (int s in Enumerable.Range(0, 20).OrderBy(_ => rng.Next()).Take(a ? 8 : 15)) train.Add(L($"m{m}", a ? $"a{s}" : $"b{s}"));
        }
        var test = Enumerable.Range(60, 20).Select(m => L($"m{m}", $"b{Enumerable.Range(0, 20).First(s => !train.Any(t => t.Msno == $"m{m}" && t.SongId == $"b{s}"))}")).ToList();
        var e = new ListEvaluation(train, test);
        var itemItem = e.Evaluate(new ItemItemRecommender());
        var popular = e.Evaluate(new PopularRecommender());
        Assert.Equal(1, itemItem.HitRate10);
        Assert.Equal(0, popular.HitRate10);
    }

    [Fact]
    public void EveryBaselineWritesValidListsOnAnEmptyTrainSet()
    {
        IListRecommender[] all = [new RandomRecommender(), new PopularRecommender(), new PopularRecommender(5), new ContextPopularRecommender(), new ItemItemRecommender()];
        foreach (var r in all) Assert.Empty(Fit(r, [], "u1", TabA, 10));
    }
}
