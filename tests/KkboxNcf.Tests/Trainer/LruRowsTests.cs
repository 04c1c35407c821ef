using KkboxNcf.Trainer.Online;

namespace KkboxNcf.Tests.Trainer;

public class LruRowsTests
{
    [Fact]
    public void OldestIsTheLeastRecentlySeenRowNotSeenThisRound()
    {
        var lru = new LruRows();
        Assert.Null(lru.Oldest());
        lru.NextRound();
        foreach (int r in new[] { 1, 2, 3 }) lru.Touch(r);
        Assert.Null(lru.Oldest()); // all three are in use by this round
        lru.NextRound();
        Assert.Equal(1, lru.Oldest());
        lru.Touch(1);
        Assert.Equal(2, lru.Oldest());
        lru.Touch(2);
        lru.Touch(3);
        Assert.Null(lru.Oldest());
        Assert.Equal(new[] { 1, 2, 3 }, lru.Order());
        Assert.Equal(3, lru.Count);
    }

    [Fact]
    public void OrderRoundTrips()
    {
        var lru = new LruRows();
        foreach (int r in new[] { 5, 1, 9, 1, 2, 5 }) lru.Touch(r);
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) lru.Write(w);
        ms.Position = 0;
        var back = LruRows.Read(new BinaryReader(ms));
        Assert.Equal(new[] { 9, 1, 2, 5 }, back.Order());
        back.NextRound();
        Assert.Equal(9, back.Oldest());
    }
}
