using KkboxNcf.Contracts;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Scorer.Members;
using KkboxNcf.Scorer.Scoring;
using KkboxNcf.Scorer.Serving;

namespace KkboxNcf.Tests.Scorer;

public class MemberStateTests
{
    static ListenRecorded L(string msno, string song, string tab = "my library", int target = 1, long at = 100) =>
        new(1, msno, song, tab, "screen", "type", target, at);

    [Fact]
    public void UsualContextIsTheMostFrequentAndHeardSongsAreKept()
    {
        var a = new MemberActivity();
        a.Record(L("m", "s1", "search"), 3);
        a.Record(L("m", "s2", "my library"), 3);
        a.Record(L("m", "s3", "my library", at: 500), 3);
        var fallback = new ListeningContext("x", "y", "z");

        Assert.Equal(new ListeningContext("my library", "screen", "type"), a.UsualContext("m", fallback));
        Assert.Equal(fallback, a.UsualContext("someone else", fallback));
        Assert.Equal(["s1", "s2", "s3"], a.Heard("m").Order());
        Assert.Equal(500, a.NewestProducedAtMs("m"));
        Assert.Equal(3, a.PartitionOf("m"));
        Assert.Equal(1, a.Forget(new HashSet<int> { 3 }));
        Assert.False(a.Knows("m"));
    }

    [Fact]
    public void PopularCountsEverythingAndRisingFavoursRecentListens()
    {
        var t = new SongTrends(halfLifeListens: 10);
        for (int i = 0; i < 100; i++) t.Record("old-hit");
        for (int i = 0; i < 60; i++) t.Record("new-hit");
        t.Record("once");

        Assert.Equal(["old-hit", "new-hit"], t.Popular(2));
        Assert.Equal(["new-hit", "once", "old-hit"], t.Rising(3));
        Assert.Empty(t.Popular(0));
        Assert.Equal(100 / 161.0, t.Share("old-hit"), 9);
        Assert.Equal(0, t.Share("never"));
    }

    [Fact]
    public void ServedQualityCountsHitsOnlyAgainstListsServedBeforeTheListen()
    {
        var q = new ServedQuality(smallK: 2);
        q.Serve(new RecommendationList("m", 1, ServingContexts.Usual, "", "", "", 100, 0,
            [new("a", 0.9f), new("b", 0.8f), new("c", 0.7f)]));

        q.Observe(L("m", "a", at: 150));              // hit at 2
        q.Observe(L("m", "c", target: 0, at: 150));   // hit in the list only, not a replay
        q.Observe(L("m", "z", at: 150));              // miss
        q.Observe(L("m", "a", at: 50));               // before the list: not served
        q.Observe(L("x", "a", at: 150));              // no list
        q.Observe(L("m", "a", target: -1, at: 150));  // unlabeled: ignored

        var s = q.Snapshot(1, 3, 0, new Dictionary<string, double>());
        Assert.Equal(5, s.Labeled);
        Assert.Equal(3, s.Observed);
        Assert.Equal(2, s.NotServed);
        Assert.Equal(1 / 3.0, s.HitRateAtK!.Value, 9);
        Assert.Equal(2 / 3.0, s.HitRateAtList!.Value, 9);
        Assert.Equal(2, s.Replays);
        Assert.Equal(0.5, s.ReplayHitRateAtK!.Value, 9);
    }

    [Fact]
    public void OwnershipIsIncremental()
    {
        var o = new PartitionOwnership(8);
        Assert.Equal([1, 2], o.Add([1, 2]).Order());
        Assert.Equal([3], o.Add([2, 3]).Order());
        Assert.Empty(o.Add([]));
        Assert.Equal([2], o.Remove([2, 5]).Order());
        Assert.Equal([1, 3], o.Owned.Order());

        var a = new MemberActivity();
        string msno = Enumerable.Range(0, 100).Select(i => $"m{i}").First(m => MemberPartitioner.PartitionOf(m, 8) == 1);
        Assert.True(o.Owns(msno, a));
        a.Record(L(msno, "s"), partition: 6);   // a listen read from another partition wins over the hash
        Assert.False(o.Owns(msno, a));
    }
}
