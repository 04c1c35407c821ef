using KkboxNcf.Data;
using KkboxNcf.Model.Features;

namespace KkboxNcf.Tests.Model;

public class RecycleTests
{
    [Fact]
    public void ReassignGivesTheRowToTheNewValueAndForgetsTheOld()
    {
        var v = new Vocabulary("user");
        v.GetOrAdd("a");
        v.GetOrAdd("b");
        v.Reassign(1, "c");
        Assert.Equal(1, v.Lookup("c"));
        Assert.Equal(Vocabulary.UnknownRow, v.Lookup("a"));
        Assert.Equal("c", v.KeyOf(1));
        Assert.Equal(3, v.GetOrAdd("a")); // a comes back as a new row
        Assert.Throws<ArgumentException>(() => v.Reassign(2, "c"));
        Assert.Throws<ArgumentOutOfRangeException>(() => v.Reassign(0, "d"));
        Assert.Throws<ArgumentException>(() => v.Reassign(2, ""));
        // the vocabulary still round-trips
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) v.Write(w);
        ms.Position = 0;
        var back = Vocabulary.Read(new BinaryReader(ms));
        Assert.Equal(1, back.Lookup("c"));
        Assert.Equal(3, back.Lookup("a"));
    }

    [Fact]
    public void RecycleResetsTheRowsMetadata()
    {
        var space = new FeatureSpace();
        space.AddMember(new Member("m1", 5, 30, "female", 7, 0, 0));
        space.AddSong(new Song("s1", 1000, ["g1", "g2"], ["artist"], ["composer"], [], 3), "TW");
        space.Recycle(Field.User, 1, "m2");
        space.Recycle(Field.Song, 1, "s2");
        var e = space.Encode([new Listen(1, "m2", "s2", "", "", "", 1)], grow: false);
        Assert.Equal(1, e.Column(Field.User)[0]);
        Assert.Equal(1, e.Column(Field.Song)[0]);
        foreach (var f in FeatureLayout.MemberFields.Concat(FeatureLayout.SongFields))
            Assert.Equal(Vocabulary.UnknownRow, e.Column(f)[0]);
        Assert.Equal(Vocabulary.UnknownRow, e.Columns[FeatureLayout.GenreColumn][0]);
        Assert.Equal(1, e.Columns[FeatureLayout.GenreCountColumn][0]);
        Assert.Throws<ArgumentException>(() => space.Recycle(Field.Artist, 1, "x"));
    }
}
