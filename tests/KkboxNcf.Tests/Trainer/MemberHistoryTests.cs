using KkboxNcf.Trainer.Online;

namespace KkboxNcf.Tests.Trainer;

public class MemberHistoryTests
{
    [Fact]
    public void KeepsTheLastSongsMostRecentFirstAndRoundTrips()
    {
        var h = new MemberHistory(3);
        foreach (long song in new long[] { 5, 6, 7, 8 }) h.Add(1, song);
        h.Add(2, 9);
        var buffer = new long[3];
        h.CopyTo(1, buffer);
        Assert.Equal([8L, 7, 6], buffer);
        h.CopyTo(2, buffer);
        Assert.Equal([9L, 0, 0], buffer);
        h.CopyTo(3, buffer);
        Assert.Equal([0L, 0, 0], buffer);

        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) h.Write(w);
        ms.Position = 0;
        var read = MemberHistory.Read(new BinaryReader(ms));
        read.CopyTo(1, buffer);
        Assert.Equal([8L, 7, 6], buffer);

        h.Forget(1);
        h.CopyTo(1, buffer);
        Assert.Equal([0L, 0, 0], buffer);
        Assert.Equal(1, h.Members);
    }
}
