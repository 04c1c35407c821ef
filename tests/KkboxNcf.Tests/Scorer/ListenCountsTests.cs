using KkboxNcf.Contracts;
using KkboxNcf.Scorer.Members;

namespace KkboxNcf.Tests.Scorer;

public class ListenCountsTests
{
    [Fact]
    public void EveryCountSeesEachListenAndHistoriesAreCopies()
    {
        var counts = new ListenCounts(1000);
        long row = 0;
        foreach (var (member, song, tab) in new[] { ("x", "a", "my library"), ("x", "b", "radio"), ("y", "a", "my library"), ("y", "c", "my library") })
            counts.Record(new ListenRecorded(++row, member, song, tab, "", "", 1, 0), 0);
        Assert.Equal(4, counts.Activity.Listens);
        Assert.Equal(["b", "a"], counts.Activity.Recent("x"));
        Assert.Equal(2, counts.ByTab.Plays("my library", "a"), 2);
        Assert.Equal(0, counts.ByTab.Plays("radio", "a"));
        Assert.Equal("a", counts.Trends.Popular(1)[0]);
        var histories = counts.Histories();
        Assert.Equal([["a", "b"], ["a", "c"]], histories.Select(h => h.Order().ToArray()));
        // a copy: later listens do not change a history handed to a neighbours build
        counts.Record(new ListenRecorded(++row, "x", "d", "radio", "", "", 1, 0), 0);
        Assert.Equal(2, histories[0].Count);
        Assert.NotNull(counts.Signals(null).Plays);
    }

    [Fact]
    public void RecentSongsAreTheLastOnesMostRecentFirstUpToTheBound()
    {
        var activity = new MemberActivity(recentSongs: 30);
        for (int i = 0; i < 80; i++) activity.Record(new ListenRecorded(i + 1, "z", $"s{i}", "radio", "", "", 1, 0), 0);
        var recent = activity.Recent("z");
        Assert.Equal(30, recent.Count);
        Assert.Equal("s79", recent[0]);
        Assert.Equal("s50", recent[^1]);
        Assert.Equal(80, activity.Heard("z").Count);
        Assert.Empty(activity.Recent("nobody"));
        // bounds below and around the ring's first size, and a member who heard fewer than the bound
        foreach (int bound in new[] { 1, 3, 4, 5, 9 })
        {
            var a = new MemberActivity(bound);
            for (int i = 0; i < 12; i++)
            {
                a.Record(new ListenRecorded(i + 1, "m", $"s{i}", "radio", "", "", 1, 0), 0);
                Assert.Equal(Enumerable.Range(0, Math.Min(bound, i + 1)).Select(k => $"s{i - k}"), a.Recent("m"));
            }
        }
    }
}
