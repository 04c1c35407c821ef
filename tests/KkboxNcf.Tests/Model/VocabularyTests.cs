using KkboxNcf.Data;
using KkboxNcf.Model.Features;

namespace KkboxNcf.Tests.Model;

public class VocabularyTests
{
    [Fact]
    public void GrowsAndMapsMissingAndUnseenToTheUnknownRow()
    {
        var v = new Vocabulary("song");
        Assert.Equal(1, v.Count);
        Assert.Equal(1, v.GetOrAdd("a"));
        Assert.Equal(2, v.GetOrAdd("b"));
        Assert.Equal(1, v.GetOrAdd("a"));
        Assert.Equal(Vocabulary.UnknownRow, v.GetOrAdd(""));
        Assert.Equal(Vocabulary.UnknownRow, v.GetOrAdd("null"));
        Assert.Equal(3, v.Count);
        Assert.Equal(Vocabulary.UnknownRow, v.Lookup("never"));
        Assert.Equal(1, v.UnseenLookups);
        Assert.Equal(2, v.Lookup("b"));
        Assert.Equal("b", v.KeyOf(2));
    }

    [Fact]
    public void RoundTripsThroughAStream()
    {
        var v = new Vocabulary("artist");
        foreach (var k in new[] { "周杰倫", "TEDDY", "Bekuh BOOM" }) v.GetOrAdd(k);
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) v.Write(w);
        ms.Position = 0;
        using var r = new BinaryReader(ms);
        var back = Vocabulary.Read(r);
        Assert.Equal("artist", back.Name);
        Assert.Equal(v.Count, back.Count);
        Assert.Equal(1, back.Lookup("周杰倫"));
        Assert.Equal(3, back.Lookup("Bekuh BOOM"));
    }

    [Fact]
    public void EncodesListensWithMetadataAndUnknownRowsForMissingJoins()
    {
        var space = new FeatureSpace();
        space.AddMember(new Member("m1", 13, 30, "female", 9, 20150101, 20200101));
        space.AddSong(new Song("s1", 200_000, ["465", "958"], ["TEDDY"], [], ["Lyr"], 3), "TW");
        var listens = new List<Listen>
        {
            new(1, "m1", "s1", "discover", "Online playlist more", "online-playlist", 1),
            // member not in members.csv, song not in songs.csv, literal "null" tab, empty screen
            new(2, "m2", "s2", "null", "", "radio", 0),
        };
        var data = space.Encode(listens, grow: true);
        Assert.Equal(2, data.Count);
        int[] Col(Field f) => data.Column(f);
        Assert.NotEqual(0, Col(Field.City)[0]);
        Assert.NotEqual(0, Col(Field.AgeBucket)[0]);
        Assert.Equal(0, Col(Field.Composer)[0]); // no composer
        Assert.NotEqual(0, Col(Field.Country)[0]);
        Assert.Equal(2, data.Columns[FeatureLayout.GenreCountColumn][0]);
        Assert.NotEqual(data.Columns[FeatureLayout.GenreColumn][0], data.Columns[FeatureLayout.GenreColumn + 1][0]);
        // second row: new user and song rows, unknown metadata, unknown tab/screen
        Assert.Equal(2, Col(Field.User)[1]);
        Assert.Equal(2, Col(Field.Song)[1]);
        Assert.Equal(0, Col(Field.City)[1]);
        Assert.Equal(0, Col(Field.Artist)[1]);
        Assert.Equal(0, Col(Field.SourceSystemTab)[1]);
        Assert.Equal(0, Col(Field.SourceScreenName)[1]);
        Assert.Equal(1, data.Columns[FeatureLayout.GenreCountColumn][1]);
        Assert.Equal([1f, 0f], data.Labels);
        Assert.Equal([1L, 2L], data.Rows);

        // frozen encoding maps the new member to the unknown row and counts it
        var frozen = space.Encode([new Listen(3, "m3", "s1", "discover", "", "radio", 1)], grow: false);
        Assert.Equal(0, frozen.Column(Field.User)[0]);
        Assert.Equal(1, space[Field.User].UnseenLookups);
        Assert.Equal(1, frozen.Column(Field.Song)[0]);
    }

    [Fact]
    public void FeatureSpaceRoundTripsAndEncodesTheSame()
    {
        var space = new FeatureSpace();
        space.AddMember(new Member("m1", 1, 0, "", 7, 0, 0));
        space.AddSong(new Song("s1", 1, ["1"], ["a"], ["c"], ["l"], -1), "");
        var listens = new List<Listen> { new(1, "m1", "s1", "my library", "Local playlist more", "local-library", 1) };
        var before = space.Encode(listens, grow: true);
        using var ms = new MemoryStream();
        space.Write(ms);
        ms.Position = 0;
        var back = FeatureSpace.Read(ms);
        var after = back.Encode(listens, grow: false);
        for (int c = 0; c < FeatureLayout.Columns; c++) Assert.Equal(before.Columns[c], after.Columns[c]);
        Assert.Equal(space.Cardinalities, back.Cardinalities);
    }
}
