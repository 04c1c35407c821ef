using KkboxNcf.Contracts;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Scorer.Members;
using KkboxNcf.Scorer.Scoring;
using KkboxNcf.Scorer.Serving;

namespace KkboxNcf.Tests.Scorer;

/// <summary>The popularity lists (cold start) and the shadow baselines, against hand-computed values.</summary>
public class PopularListsTests
{
    static ListenRecorded L(string msno, string song, string tab = "my library", int target = 1, long at = 100) =>
        new(1, msno, song, tab, "screen", "type", target, at);

    static void Play(ContextPopularity byTab, SongTrends trends, string tab, string song, int times)
    {
        for (int i = 0; i < times; i++)
        {
            byTab.Record(tab, song);
            trends.Record(song);
        }
    }

    [Fact]
    public void TabCountsDecaySoRecentPlaysWin()
    {
        var p = new ContextPopularity(halfLifeListens: 10);
        for (int i = 0; i < 30; i++) p.Record("radio", "old");
        for (int i = 0; i < 10; i++) p.Record("radio", "new");
        p.Record("my library", "lib");

        // old: 13.1 plays at its last listen, halved by the 10 listens of new since; new: 7.5
        Assert.Equal(["new", "old"], p.Top("radio", 5).Select(t => t.SongId));
        double expected = Enumerable.Range(1, 10).Sum(j => Math.Pow(2, -j / 10.0));
        Assert.Equal(expected, p.Top("radio", 1)[0].Plays, 9);
        Assert.Equal(["lib"], p.Top("my library", 5).Select(t => t.SongId));
        Assert.Equal(["new", "old", "lib"], p.TopOverall(3).Select(t => t.SongId));
        Assert.Empty(p.Top("never seen", 3));
        Assert.Empty(p.Top("radio", 0));
    }

    [Fact]
    public void ATabListIsFilledFromTheOverallListWithoutHeardSongsOrRepeats()
    {
        var byTab = new ContextPopularity(halfLifeListens: 1e12);
        var trends = new SongTrends(1e12);
        Play(byTab, trends, "radio", "r1", 3);
        Play(byTab, trends, "radio", "r2", 2);
        Play(byTab, trends, "my library", "l1", 5);
        Play(byTab, trends, "my library", "l2", 4);
        var lists = new PopularLists(byTab, trends, depth: 10, refreshMs: 3_600_000);

        Assert.Empty(lists.For("radio", null, 3));   // nothing computed yet
        Assert.True(lists.Update());
        Assert.Equal(["r1", "r2", "l1"], lists.For("radio", null, 3).Select(s => s.SongId));
        Assert.Equal(3, lists.For("radio", null, 3)[0].Score, 4);
        Assert.Equal(["r2", "l1", "l2"], lists.For("radio", new HashSet<string> { "r1" }, 3).Select(s => s.SongId));
        Assert.Equal(["l1", "l2"], lists.For("a tab never seen", null, 2).Select(s => s.SongId));
        Assert.Equal(4, lists.For("radio", null, 50).Length);   // every song known, none twice

        Assert.True(lists.InTop("radio", "l1", null, 3));
        Assert.False(lists.InTop("radio", "l2", null, 3));
        Assert.True(lists.InTop("radio", "l2", new HashSet<string> { "r1" }, 3));
        Assert.False(lists.InMostPlayed("r1", null, 2));
        Assert.True(lists.InMostPlayed("r1", new HashSet<string> { "l1" }, 2));

        // recomputed only when due: new listens and an hour passed, or the listens read doubled
        Assert.False(lists.Update());
        Play(byTab, trends, "radio", "new", 1);
        Assert.False(lists.Update());
        Assert.Equal(["r1"], lists.For("radio", null, 1).Select(s => s.SongId));
        Play(byTab, trends, "radio", "new", 13);
        Assert.True(lists.Update());
        Assert.Equal(["new"], lists.For("radio", null, 1).Select(s => s.SongId));
    }

    [Fact]
    public void TheShadowsAreJudgedOnTheListensThatHadAServedList()
    {
        var activity = new MemberActivity();
        var byTab = new ContextPopularity(1e12);
        var trends = new SongTrends(1e12);
        Play(byTab, trends, "my library", "hot", 3);
        Play(byTab, trends, "my library", "warm", 2);
        Play(byTab, trends, "discover", "fresh", 1);
        var lists = new PopularLists(byTab, trends, depth: 10);
        lists.Update();
        var fallback = new ListeningContext("my library", "screen", "type");
        var q = new ServedQuality(smallK: 1, new PopularShadow(lists, activity, fallback, new ListeningContext("discover", "s", "t"), excludeHeard: true));
        q.Serve(new RecommendationList("m", 1, ServingContexts.Usual, "", "", "", 100, 0, [new("a", 0.9f), new("b", 0.8f)]));
        q.Serve(new RecommendationList("m", 1, ServingContexts.Discover, "", "", "", 100, 0, [new("c", 0.9f)]));
        q.Serve(new RecommendationList("p", 0, ServingContexts.Usual, "", "", "", 100, 0, [new("hot", 3)]) { Source = ListSources.Popular });

        q.Observe(L("m", "hot"));                 // served miss; popular (my library: hot) and most played (hot) hit
        q.Observe(L("m", "a"));                   // served hit; both shadows miss
        activity.Record(L("m", "hot"), 0);
        q.Observe(L("m", "warm"));                // hot heard and left out: both shadows now have warm first
        q.Observe(L("m", "fresh", "discover"));   // judged against the discover lists: the popular one holds fresh, most played does not
        q.Observe(L("p", "hot"));                 // a popular list served: counted as such, it and its shadow hit
        q.Observe(L("nobody", "hot"));            // no list served: no shadow either

        var s = q.Snapshot(1, 2, 0, new Dictionary<string, double>());
        Assert.Equal(5, s.Observed);
        Assert.Equal(1, s.NotServed);
        Assert.Equal(1, s.ObservedPopular);
        Assert.Equal(2 / 5.0, s.HitRateAtK!.Value, 9);
        Assert.Equal(4 / 5.0, s.ShadowPopularHitRateAtK!.Value, 9);
        Assert.Equal(3 / 5.0, s.ShadowMostPlayedHitRateAtK!.Value, 9);
        // the four listens judged against m's model lists: served a, shadow hot, warm and fresh
        Assert.Equal(1 / 4.0, s.ModelHitRateAtK!.Value, 9);
        Assert.Equal(3 / 4.0, s.ModelShadowPopularHitRateAtK!.Value, 9);

        var plain = new ServedQuality().Snapshot(1, 2, 0, new Dictionary<string, double>());
        Assert.Null(plain.ShadowPopularHitRateAtK);   // no shadow given, none reported
    }
}
