using KkboxNcf.Contracts;

namespace KkboxNcf.Tests.Contracts;

public class MessageRoundTripTests
{
    [Fact]
    public void ListenRoundTripsWithCjkAndNegativeTarget()
    {
        var listen = new ListenRecorded(7_377_418, "FGtllVqz18RPiwJj/edr2gV78zirAiY/9SmYvia+kCg=",
            "BBzumQNXUHKdEBOB7mAJuzok+IJA1c2Ryg/yzTF6tik=", "my library", "Local playlist more", "local-library", -1,
            1_764_200_000_000);
        var bytes = Messages.Encode(listen);
        Assert.Equal(listen, Messages.Decode<ListenRecorded>(bytes));
        Assert.Equal((byte)MessageType.ListenRecorded, bytes[0]);
        Assert.Equal(1, bytes[1]);
    }

    [Fact]
    public void SongRoundTripsMultiValuedFields()
    {
        var song = new SongUpdated("song", 247_640, ["465", "958"], ["TEDDY", "FUTURE BOUNCE", "Bekuh BOOM"],
            ["周杰倫"], [], -1);
        var back = Messages.Decode<SongUpdated>(Messages.Encode(song));
        Assert.Equal(song.Genres, back.Genres);
        Assert.Equal(song.Artists, back.Artists);
        Assert.Equal(song.Composers, back.Composers);
        Assert.Empty(back.Lyricists);
        Assert.Equal(-1, back.Language);
    }

    [Fact]
    public void MemberAndExtraRoundTrip()
    {
        var member = new MemberUpdated("m", 1, -38, "", 7, 20110820, 20170920);
        Assert.Equal(member, Messages.Decode<MemberUpdated>(Messages.Encode(member)));
        var extra = new SongExtraUpdated("s", "\u00a0說愛你", "TWB531410010");
        var back = Messages.Decode<SongExtraUpdated>(Messages.Encode(extra));
        Assert.Equal(extra, back);
        Assert.Equal("TW", back.Country);
    }

    [Fact]
    public void CheckpointRoundTrips()
    {
        var cp = new CheckpointPublished(12, "/checkpoints/ckpt-12.bin", "ab12", [new(0, 100), new(3, long.MaxValue)],
            123_456, new Dictionary<string, double> { ["auc"] = 0.7123, ["logloss"] = 0.61 }, 1);
        var back = Messages.Decode<CheckpointPublished>(Messages.Encode(cp));
        Assert.Equal(cp.ModelVersion, back.ModelVersion);
        Assert.Equal(cp.Offsets, back.Offsets);
        Assert.Equal(0.7123, back.Metrics["auc"]);
        Assert.Equal(cp.StreamPosition, back.StreamPosition);
    }

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(-1L)]
    [InlineData(0L)]
    [InlineData(63L)]
    [InlineData(64L)]
    [InlineData(long.MaxValue)]
    public void VarintsRoundTripAtTheEdges(long value)
    {
        var w = new MessageWriter().Long(value);
        var r = new MessageReader(w.WrittenSpan);
        Assert.Equal(value, r.Long());
        Assert.True(r.AtEnd);
    }
}
