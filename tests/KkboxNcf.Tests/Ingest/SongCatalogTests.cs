using System.Text;
using KkboxNcf.Contracts;
using KkboxNcf.Data;
using KkboxNcf.Ingest;

namespace KkboxNcf.Tests.Ingest;

/// <summary>The catalogue encodes straight from CSV bytes: it must give the same messages as the typed readers.</summary>
public class SongCatalogTests
{
    const string Songs = "song_id,song_length,genre_ids,artist_name,composer,lyricist,language\n" +
                         "s1,247640,465|958,TEDDY|  FUTURE BOUNCE|  Bekuh BOOM,周杰倫,,3\n" +
                         "s2,,,\"Last, First\",,\u00a0方文山 ,-1\n" +
                         "s3,12x,465,A,,,3\n" +         // bad song_length: rejected
                         "s4,1000,|| 465 |,A| ,B,C,52.0\n";
    const string Extras = "song_id,name,isrc\ns1,說愛你, TWB531410010 \ns4,Name,\n";

    static string Folder()
    {
        string dir = Directory.CreateTempSubdirectory("kkbox-catalog-").FullName;
        File.WriteAllText(Path.Combine(dir, "songs.csv"), Songs);
        File.WriteAllText(Path.Combine(dir, "song_extra_info.csv"), Extras);
        return dir;
    }

    [Fact]
    public void MessagesEqualTheTypedReadersEncoded()
    {
        string dir = Folder();
        var catalog = SongCatalog.Load(Path.Combine(dir, "songs.csv"), Path.Combine(dir, "song_extra_info.csv"), new ReadReport(), default);
        var typedSongs = KkboxReader.ReadSongs(Path.Combine(dir, "songs.csv"), new ReadReport()).ToList();
        var typedExtras = KkboxReader.ReadSongExtras(Path.Combine(dir, "song_extra_info.csv"), new ReadReport()).ToDictionary(e => e.SongId);

        Assert.Equal(3, catalog.Songs);
        Assert.Equal(2, catalog.Extras);
        foreach (var s in typedSongs)
        {
            Assert.True(catalog.TakeFirst(Encoding.UTF8.GetBytes(s.SongId), out var song, out var extra));
            Assert.Equal(Messages.Encode(new SongUpdated(s.SongId, s.SongLengthMs, s.Genres, s.Artists, s.Composers, s.Lyricists, s.Language)), song);
            if (typedExtras.TryGetValue(s.SongId, out var e))
                Assert.Equal(Messages.Encode(new SongExtraUpdated(e.SongId, e.Name, e.Isrc)), extra);
            else
                Assert.Null(extra);
        }
        Assert.Equal(["TEDDY", "FUTURE BOUNCE", "Bekuh BOOM"], Messages.Decode<SongUpdated>(
            Messages.Encode(new SongUpdated("x", 0, [], ["TEDDY", "FUTURE BOUNCE", "Bekuh BOOM"], [], [], 0))).Artists);
    }

    [Fact]
    public void EachSongIsHandedOutOnceAndUnknownSongsNever()
    {
        string dir = Folder();
        var report = new ReadReport();
        var catalog = SongCatalog.Load(Path.Combine(dir, "songs.csv"), null, report, default);
        Assert.True(catalog.TakeFirst("s1"u8, out var first, out _));
        Assert.NotNull(first);
        Assert.False(catalog.TakeFirst("s1"u8, out _, out _));
        Assert.False(catalog.TakeFirst("s3"u8, out _, out _)); // its row was rejected
        Assert.False(catalog.TakeFirst("nope"u8, out _, out _));
        Assert.Equal(1, report.TotalRejected);
        Assert.Contains("song_length", report.Files.Single().RejectsByReason.Keys.Single());
    }

    [Fact]
    public void BothMessagesComeAtTheFirstAskAndNothingAtTheNext()
    {
        string dir = Folder();
        File.AppendAllText(Path.Combine(dir, "song_extra_info.csv"), "x9,Only Extra,TWB531410011\n"); // no row in songs.csv
        var catalog = SongCatalog.Load(Path.Combine(dir, "songs.csv"), Path.Combine(dir, "song_extra_info.csv"), new ReadReport(), default);

        Assert.False(catalog.TakeFirst("nope"u8, out _, out _)); // an unknown song asked first changes nothing for the others
        Assert.True(catalog.TakeFirst("s4"u8, out var song, out var extra));
        Assert.Equal("s4", Messages.Decode<SongUpdated>(song!).SongId);
        Assert.Equal("Name", Messages.Decode<SongExtraUpdated>(extra!).Name);
        Assert.True(catalog.TakeFirst("x9"u8, out var none, out var onlyExtra));
        Assert.Null(none);
        Assert.Equal("Only Extra", Messages.Decode<SongExtraUpdated>(onlyExtra!).Name);
        foreach (var id in new[] { "s4", "x9", "nope", "s4" })
        {
            Assert.False(catalog.TakeFirst(Encoding.UTF8.GetBytes(id), out song, out extra));
            Assert.Null(song);
            Assert.Null(extra);
        }
        Assert.True(catalog.TakeFirst("s1"u8, out _, out _)); // not yet asked: still there
    }
}
