using System.Text;
using System.Text.Json;
using KkboxNcf.Data;

namespace KkboxNcf.Tests.Data;

public class KkboxReaderTests
{
    const string M1 = "FGtllVqz18RPiwJj/edr2gV78zirAiY/9SmYvia+kCg=";
    const string M2 = "Xumu+NIjS6QYVxDS4/t3SawvJ7viT9hPKXmf0RtLNx8=";
    const string S1 = "BBzumQNXUHKdEBOB7mAJuzok+IJA1c2Ryg/yzTF6tik=";
    const string S2 = "bhp/MpSNoqoxOIB+/l8WPqu6jldth4DIpCm3ayXnJqM=";

    /// <summary>Every quirk of kkbox-format.md in one train.csv: BOM, CRLF, null tab, empty fields, a short row, a bad target, ",,,,," rows, a cut-off last line.</summary>
    static string QuirkyTrain =>
        "\uFEFFmsno,song_id,source_system_tab,source_screen_name,source_type,target\r\n" +
        $"{M1},{S1},explore,Explore,online-playlist,1\r\n" +          // row 1, line 2
        $"{M1},{S2},null,,local-library,0\r\n" +                       // row 2: literal null, empty screen
        $"{M2},{S1},,,,1\r\n" +                                         // row 3: all context fields empty
        $"{M2},{S2},my library\r\n" +                                   // row 4: wrong column count
        $"{M2},{S2},\"my library\",\"Local playlist more\",local-library,2\r\n" + // row 5: bad target
        $",{S2},radio,Radio,radio,0\r\n" +                              // row 6: missing msno
        $"{M2},{S2},radio,Radio,radio,0\r\n" +                          // row 7
        ",,,,,\r\n" +                                                   // row 8: trailing empty row
        $"{M1},{S1},disc";                                              // row 9, line 10: cut off

    [Fact]
    public void Train_rows_with_every_quirk_are_read_or_rejected_with_their_line()
    {
        using var dir = new TempDir();
        string path = dir.Write("train.csv", QuirkyTrain);
        using var sink = new RejectSink(dir.File("rejects.jsonl"));
        var report = new ReadReport(sink);
        var listens = KkboxReader.ReadListens(path, report).ToList();

        Assert.Equal([1L, 2, 3, 7], listens.Select(l => l.Row));
        Assert.Equal(new Listen(1, M1, S1, "explore", "Explore", "online-playlist", 1), listens[0]);
        Assert.Equal(("null", "", "local-library", 0), (listens[1].SourceSystemTab, listens[1].SourceScreenName, listens[1].SourceType, listens[1].Target));
        Assert.Equal(("", "", ""), (listens[2].SourceSystemTab, listens[2].SourceScreenName, listens[2].SourceType));
        Assert.True(listens.All(l => l.HasLabel && l.Id == -1));

        var stats = Assert.Single(report.Files);
        Assert.Equal(("train.csv", 9L, 4L, 5L), (stats.File, stats.Rows, stats.Accepted, stats.Rejected));
        Assert.True(stats.LastLineUnterminated);
        Assert.Equal(2, stats.RejectsByReason[RejectReasons.WrongColumnCount]);
        Assert.Equal(1, stats.RejectsByReason[RejectReasons.BadTarget]);
        Assert.Equal(1, stats.RejectsByReason["missing key: msno"]);
        Assert.Equal(1, stats.RejectsByReason[RejectReasons.EmptyRow]);
        Assert.Contains("train.csv: 9 rows, 4 accepted, 5 rejected", report.Summary());
        Assert.Contains(sink.Path, report.Summary());
    }

    [Fact]
    public void Rejects_file_keeps_file_line_row_reason_and_raw_text()
    {
        using var dir = new TempDir();
        string path = dir.Write("train.csv", QuirkyTrain);
        using (var sink = new RejectSink(dir.File("rejects.jsonl")))
            KkboxReader.ReadListens(path, new ReadReport(sink)).Count();

        var lines = File.ReadAllLines(dir.File("rejects.jsonl"));
        Assert.Equal(5, lines.Length);
        var rejects = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(rejects, r => Assert.Equal("train.csv", r.GetProperty("file").GetString()));
        Assert.Equal([5L, 6, 7, 9, 10], rejects.Select(r => r.GetProperty("line").GetInt64()));
        Assert.Equal([4L, 5, 6, 8, 9], rejects.Select(r => r.GetProperty("row").GetInt64()));
        Assert.Equal($"{M2},{S2},my library", rejects[0].GetProperty("raw").GetString());
        Assert.Equal(RejectReasons.BadTarget, rejects[1].GetProperty("reason").GetString());
        Assert.Equal($"{M2},{S2},\"my library\",\"Local playlist more\",local-library,2", rejects[1].GetProperty("raw").GetString());
        Assert.Equal(",,,,,", rejects[3].GetProperty("raw").GetString());
        Assert.Equal($"{M1},{S1},disc", rejects[4].GetProperty("raw").GetString());
    }

    [Fact]
    public void Span_scanner_sees_the_same_rows_as_the_typed_reader()
    {
        using var dir = new TempDir();
        string path = dir.Write("train.csv", QuirkyTrain);
        var typed = KkboxReader.ReadListens(path, new ReadReport()).Select(l => $"{l.Row}|{l.Msno}|{l.SongId}|{l.SourceSystemTab}|{l.SourceScreenName}|{l.SourceType}|{l.Target}").ToList();
        var scanned = new List<string>();
        var report = new ReadReport();
        KkboxReader.ScanListens(path, report, (in ListenFields f) => scanned.Add(
            $"{f.Row}|{Encoding.UTF8.GetString(f.Msno)}|{Encoding.UTF8.GetString(f.SongId)}|{Encoding.UTF8.GetString(f.SourceSystemTab)}|" +
            $"{Encoding.UTF8.GetString(f.SourceScreenName)}|{Encoding.UTF8.GetString(f.SourceType)}|{f.Target}"));
        Assert.Equal(typed, scanned);
        Assert.Equal(5, report.TotalRejected);
    }

    [Fact]
    public void Interned_song_ids_are_shared_between_rows_and_equal_to_fresh_ones()
    {
        using var dir = new TempDir();
        string path = dir.Write("train.csv", QuirkyTrain);
        var fresh = KkboxReader.ReadListens(path, new ReadReport()).ToList();
        var interned = KkboxReader.ReadListens(path, new ReadReport(), internSongIds: true).ToList();
        Assert.Equal(fresh, interned);
        Assert.Equal(S1, interned[0].SongId);
        Assert.Same(interned[0].SongId, interned[2].SongId);
        Assert.NotSame(fresh[0].SongId, fresh[2].SongId);
        Assert.Same(interned[0].Msno, interned[1].Msno);
    }

    [Fact]
    public void Test_csv_is_recognised_by_its_header_and_has_ids_and_no_labels()
    {
        using var dir = new TempDir();
        string path = dir.Write("test.csv", "id,msno,song_id,source_system_tab,source_screen_name,source_type\n" +
            $"0,{M1},{S1},my library,Local playlist more,local-library\n17,{M2},{S2},search,Search,song\nx,{M2},{S2},search,Search,song\n");
        var report = new ReadReport();
        var listens = KkboxReader.ReadListens(path, report).ToList();
        Assert.Equal([0L, 17], listens.Select(l => l.Id));
        Assert.All(listens, l => Assert.False(l.HasLabel));
        Assert.Equal(1, report.Files[0].RejectsByReason["bad integer: id"]);
    }

    [Fact]
    public void Wrong_header_fails_at_once_naming_the_file_and_the_expected_columns()
    {
        using var dir = new TempDir();
        string path = dir.Write("songs.csv", "song_id,length,genre_ids\nA,1,2\n");
        var e = Assert.Throws<KkboxFormatException>(() => KkboxReader.ReadSongs(path, new ReadReport()));
        Assert.Contains(path, e.Message);
        Assert.Contains("song_id,song_length,genre_ids,artist_name,composer,lyricist,language", e.Message);
        Assert.Contains("found song_id,length,genre_ids", e.Message);

        string train = dir.Write("train.csv", "user,song,target\n");
        var e2 = Assert.Throws<KkboxFormatException>(() => KkboxReader.ReadListens(train, new ReadReport()));
        Assert.Contains("msno,song_id,source_system_tab,source_screen_name,source_type,target", e2.Message);
        Assert.Contains("train.csv", e2.Message);

        string empty = dir.Write("members.csv", "");
        var e3 = Assert.Throws<KkboxFormatException>(() => KkboxReader.ReadMembers(empty, new ReadReport()));
        Assert.Contains("empty file", e3.Message);
    }

    [Fact]
    public void Songs_split_multi_valued_fields_trim_stray_spaces_and_keep_cjk_and_nbsp()
    {
        using var dir = new TempDir();
        string path = dir.Write("songs.csv", "song_id,song_length,genre_ids,artist_name,composer,lyricist,language\n" +
            $"{S1},247640,465|958,TEDDY|  FUTURE BOUNCE|  Bekuh BOOM,\"Yoon, Jong-shin\",,31\n" +
            $"{S2},,,周杰倫 (Jay Chou),方文山\u00A0|林夕 ,,-1\n" +
            $"X,12,465,Someone,,,fifty\n" +
            $"Y,210000,1609,\"Artist \"\"Q\"\"\",,, 52.0 \n");
        var report = new ReadReport();
        var songs = KkboxReader.ReadSongs(path, report).ToList();
        Assert.Equal(3, songs.Count);
        Assert.Equal(["465", "958"], songs[0].Genres);
        Assert.Equal(["TEDDY", "FUTURE BOUNCE", "Bekuh BOOM"], songs[0].Artists);
        Assert.Equal(["Yoon, Jong-shin"], songs[0].Composers);
        Assert.Empty(songs[0].Lyricists);
        Assert.Equal((247640, 31), (songs[0].SongLengthMs, songs[0].Language));
        Assert.Equal(-1, songs[1].SongLengthMs);
        Assert.Empty(songs[1].Genres);
        Assert.Equal(["周杰倫 (Jay Chou)"], songs[1].Artists);
        Assert.Equal(["方文山\u00A0", "林夕"], songs[1].Composers);
        Assert.Equal(-1, songs[1].Language);
        Assert.Equal(["Artist \"Q\""], songs[2].Artists);
        Assert.Equal(52, songs[2].Language);
        Assert.Equal(1, report.Files[0].RejectsByReason["bad integer: language"]);
    }

    [Fact]
    public void Members_keep_raw_ages_and_bucket_outliers_as_unknown()
    {
        using var dir = new TempDir();
        string path = dir.Write("members.csv", "msno,city,bd,gender,registered_via,registration_init_time,expiration_date\n" +
            $"{M1},1,0,,7,20110820,20170920\n{M2},13,24,female,9,20150628,20170622\nA,5,-43,male,4,20140101,20170101\n" +
            "B,5,1051,,4,20140101,20170101\nC,22,17,male,3,20140101,20170101\nD,,,,,,\nE,1,abc,,7,20110820,20170920\n");
        var report = new ReadReport();
        var members = KkboxReader.ReadMembers(path, report).ToList();
        Assert.Equal(["unknown", "18-24", "unknown", "unknown", "<18", "unknown"], members.Select(m => m.AgeBucket));
        Assert.Equal([0, 24, -43, 1051, 17, 0], members.Select(m => m.Bd));
        Assert.Equal(new Member(M2, 13, 24, "female", 9, 20150628, 20170622), members[1]);
        Assert.Equal(new Member("D", -1, 0, "", -1, -1, -1), members[5]);
        Assert.Equal(1, report.Files[0].RejectsByReason["bad integer: bd"]);
    }

    [Fact]
    public void Song_extras_give_the_country_from_the_isrc()
    {
        using var dir = new TempDir();
        string path = dir.Write("song_extra_info.csv", "song_id,name,isrc\n" +
            $"{S1},사랑해요,KRA381400123\n{S2},\"Hello, \"\"you\"\"\",\n" + "Z,夜に駆ける,jpu901900453\n");
        var extras = KkboxReader.ReadSongExtras(path, new ReadReport()).ToList();
        Assert.Equal(["KR", "", "JP"], extras.Select(e => e.Country));
        Assert.Equal("사랑해요", extras[0].Name);
        Assert.Equal("Hello, \"you\"", extras[1].Name);
    }

    [Fact]
    public void Invalid_utf8_is_rejected_and_kept_as_base64()
    {
        using var dir = new TempDir();
        var bytes = Encoding.UTF8.GetBytes("song_id,name,isrc\nA,ok,TW1\nB,").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes(",TW2\n")).ToArray();
        string path = dir.WriteBytes("song_extra_info.csv", bytes);
        using (var sink = new RejectSink(dir.File("r.jsonl")))
        {
            var report = new ReadReport(sink);
            Assert.Single(KkboxReader.ReadSongExtras(path, report));
            Assert.Equal(1, report.Files[0].RejectsByReason[RejectReasons.InvalidUtf8]);
        }
        var reject = JsonDocument.Parse(File.ReadAllText(dir.File("r.jsonl"))).RootElement;
        Assert.Equal(3, reject.GetProperty("line").GetInt64());
        Assert.Equal(bytes[^9..^1], reject.GetProperty("raw_base64").GetBytesFromBase64());
    }

    [Fact]
    public void Age_buckets()
    {
        Assert.Equal(["unknown", "unknown", "unknown", "<18", "18-24", "25-34", "35-44", "45-54", "55+", "55+"],
            new[] { 0, -5, 101, 10, 18, 25, 35, 45, 55, 100 }.Select(Ages.Bucket));
    }

    [Fact]
    public void String_pool_returns_one_instance_per_value_until_capacity()
    {
        var pool = new StringPool(capacity: 2);
        var a1 = pool.Get("radio"u8);
        var a2 = pool.Get("radio"u8);
        Assert.Same(a1, a2);
        Assert.Equal("discover", pool.Get("discover"u8));
        Assert.Equal("search", pool.Get("search"u8));
        Assert.Equal(2, pool.Count);
        Assert.Equal("", pool.Get(""u8));
        Assert.Equal("中文", pool.Get("中文"u8));
    }
}
