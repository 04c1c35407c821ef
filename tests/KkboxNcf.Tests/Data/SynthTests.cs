using System.Globalization;
using KkboxNcf.Data;
using KkboxNcf.Data.Evaluation;
using KkboxNcf.Data.Synth;

namespace KkboxNcf.Tests.Data;

public class SynthTests
{
    static readonly string[] Outputs =
        ["train.csv", "test.csv", "songs.csv", "members.csv", "song_extra_info.csv", TruthFile.TrainName, TruthFile.TestName];

    [Fact]
    public void Same_seed_gives_the_same_bytes_and_another_seed_differs()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        using var c = new TempDir();
        new KkboxSynthesizer(SynthSize.Tiny, 7).Generate(a.Path);
        new KkboxSynthesizer(SynthSize.Tiny, 7).Generate(b.Path);
        new KkboxSynthesizer(SynthSize.Tiny, 8).Generate(c.Path);
        foreach (var f in Outputs)
        {
            Assert.Equal(File.ReadAllBytes(a.File(f)), File.ReadAllBytes(b.File(f)));
            Assert.NotEqual(File.ReadAllBytes(a.File(f)), File.ReadAllBytes(c.File(f)));
        }
    }

    [Fact]
    public void Tiny_output_reads_back_with_no_rejects_and_the_published_shape()
    {
        using var dir = new TempDir();
        var summary = new KkboxSynthesizer(SynthSize.Tiny, 1).Generate(dir.Path);
        var report = new ReadReport();
        var train = KkboxReader.ReadListens(dir.File("train.csv"), report).ToList();
        var test = KkboxReader.ReadListens(dir.File("test.csv"), report).ToList();
        var songs = KkboxReader.ReadSongs(dir.File("songs.csv"), report).ToList();
        var members = KkboxReader.ReadMembers(dir.File("members.csv"), report).ToList();
        var extras = KkboxReader.ReadSongExtras(dir.File("song_extra_info.csv"), report).ToList();

        Assert.Equal(0, report.TotalRejected);
        Assert.All(report.Files, f => Assert.False(f.LastLineUnterminated));
        Assert.Equal(SynthSize.Tiny.TrainRows, train.Count);
        Assert.Equal(SynthSize.Tiny.TestRows, test.Count);
        Assert.Equal(SynthSize.Tiny.Members, members.Count);
        Assert.Equal(summary.SongsRows, songs.Count);
        Assert.Equal(summary.SongExtraRows, extras.Count);
        Assert.Equal(Enumerable.Range(0, test.Count).Select(i => (long)i), test.Select(t => t.Id));

        Assert.All(train.Take(500), l => Assert.Equal(44, l.Msno.Length));
        Assert.All(songs.Take(500), s => Assert.Equal(44, s.SongId.Length));
        // A train row is a user's first listen of a song: pairs are unique across train and test.
        Assert.Equal(train.Count + test.Count, train.Concat(test).Select(l => (l.Msno, l.SongId)).Distinct().Count());
        var tabs = train.Select(l => l.SourceSystemTab).ToHashSet();
        Assert.Subset(SynthVocab.Tabs.Append("").ToHashSet(), tabs);
        Assert.Contains("my library", tabs);
        Assert.Subset(SynthVocab.Types.Append("").ToHashSet(), train.Select(l => l.SourceType).ToHashSet());
        Assert.Subset(SynthVocab.Screens.Append("").ToHashSet(), train.Select(l => l.SourceScreenName).ToHashSet());
    }

    [Fact]
    public void A_circulating_copy_with_bom_crlf_empty_rows_and_a_cut_last_line_reads_the_same_rows()
    {
        using var dir = new TempDir();
        new KkboxSynthesizer(SynthSize.Tiny, 5).Generate(dir.Path);
        var original = KkboxReader.ReadListens(dir.File("train.csv"), new ReadReport()).ToList();
        string text = File.ReadAllText(dir.File("train.csv"));
        // Cut the last line in the middle of its song id, as some copies are.
        string copy = "\uFEFF" + text.Replace("\n", "\r\n") + ",,,,,\r\n,,,,,\r\n" + text.Split('\n')[1][..60];
        dir.Write("copy.csv", copy);

        using var sink = new RejectSink(dir.File("rejects.jsonl"));
        var report = new ReadReport(sink);
        var read = KkboxReader.ReadListens(dir.File("copy.csv"), report).ToList();
        Assert.Equal(original, read);
        var stats = report.Files.Single();
        Assert.Equal(3, stats.Rejected);
        Assert.Equal(2, stats.RejectsByReason[RejectReasons.EmptyRow]);
        Assert.Equal(1, stats.RejectsByReason[RejectReasons.WrongColumnCount]);
        Assert.True(stats.LastLineUnterminated);
        Assert.Equal(3, File.ReadAllLines(dir.File("rejects.jsonl")).Length);
    }

    [Fact]
    public void Truth_rows_align_with_train_rows_and_give_the_summary_auc()
    {
        using var dir = new TempDir();
        var summary = new KkboxSynthesizer(SynthSize.Tiny, 3).Generate(dir.Path);
        var p = TruthFile.ReadTrainProbabilities(dir.File(TruthFile.TrainName));
        var train = KkboxReader.ReadListens(dir.File("train.csv"), new ReadReport()).ToList();
        Assert.Equal(train.Count, p.Length);
        Assert.All(p, x => Assert.InRange(x, 0f, 1f));
        // Labels follow p: the mean p of positives is well above that of negatives.
        double meanPos = train.Where(l => l.Target == 1).Average(l => p[l.Row - 1]);
        double meanNeg = train.Where(l => l.Target == 0).Average(l => p[l.Row - 1]);
        Assert.True(meanPos > meanNeg + 0.1, $"mean p positives {meanPos:F3}, negatives {meanNeg:F3}");

        var fromFiles = TruthFile.ForTrain(dir.Path);
        Assert.Equal(summary.BestAucTrain, fromFiles.BestAuc, 3);
        Assert.Equal(summary.PositiveRate, fromFiles.PositiveRate, 3);
        var test = TruthFile.ForTest(dir.Path);
        Assert.Equal(SynthSize.Tiny.TestRows, test.Rows);
        Assert.Equal(summary.BestAucTest, test.BestAuc, 3);
    }

    [Fact]
    public void Small_set_has_the_structure_and_quirk_rates_asked_for()
    {
        using var dir = new TempDir();
        var s = new KkboxSynthesizer(SynthSize.Small, 42).Generate(dir.Path);

        Assert.InRange(s.PositiveRate, 0.45, 0.56);
        Assert.InRange(s.PositiveRateEarly, 0.68, 0.82);
        Assert.True(s.PositiveRateLate < s.PositiveRateEarly - 0.15);
        // Learnable but noisy, and the collaborative part alone falls clearly short of the truth. The
        // truth knows each session's mood, which a model can only guess from the member's earlier labels.
        Assert.InRange(s.BestAucTrain, 0.75, 0.96);
        Assert.True(s.BestAucTrain - s.CollaborativeOnlyAucTrain > 0.03, $"{s.BestAucTrain} vs {s.CollaborativeOnlyAucTrain}");
        Assert.True(s.TestUsersNotInTrain > 0 && s.TestSongsNotInTrain > 0, "cold-start users and songs in test");

        var report = new ReadReport();
        var train = KkboxReader.ReadListens(dir.File("train.csv"), report).ToList();
        var songs = KkboxReader.ReadSongs(dir.File("songs.csv"), report).ToList();
        var members = KkboxReader.ReadMembers(dir.File("members.csv"), report).ToList();
        var extras = KkboxReader.ReadSongExtras(dir.File("song_extra_info.csv"), report).ToList();
        Assert.Equal(0, report.TotalRejected);

        static double Rate<T>(List<T> xs, Func<T, bool> f) => xs.Count(f) / (double)xs.Count;
        Assert.InRange(Rate(train, l => l.SourceScreenName == ""), 0.02, 0.05);
        Assert.InRange(Rate(train, l => l.SourceSystemTab == ""), 0.001, 0.006);
        Assert.InRange(Rate(songs, x => x.Genres.Length == 0), 0.01, 0.03);
        Assert.InRange(Rate(songs, x => x.Genres.Length > 1), 0.03, 0.09);
        Assert.InRange(Rate(songs, x => x.Composers.Length == 0), 0.3, 0.5);
        Assert.InRange(Rate(songs, x => x.Lyricists.Length == 0), 0.6, 0.8);
        Assert.InRange(Rate(extras, x => x.Isrc == ""), 0.1, 0.16);
        Assert.InRange(Rate(members, m => m.Gender == ""), 0.5, 0.65);
        Assert.InRange(Rate(members, m => m.Bd == 0), 0.5, 0.65);
        Assert.Contains(members, m => m.Bd < 0 || m.Bd > 100);
        Assert.Contains(songs, x => x.Artists.Length > 1);
        Assert.Contains(songs, x => x.Language == -1);
        Assert.Contains(extras, x => x.Name.Contains(','));
        Assert.Contains(extras, x => x.Name.Contains('\u00A0'));
        Assert.Contains(songs, x => x.Artists.Any(a => a.Any(ch => ch >= 0x4E00 && ch <= 0x9FFF)));
        Assert.Contains(songs, x => x.Artists.Any(a => a.Any(ch => ch >= 0xAC00 && ch <= 0xD7A3)));

        // Joins fail in both directions, as in the real files.
        var songIds = songs.Select(x => x.SongId).ToHashSet();
        var memberIds = members.Select(m => m.Msno).ToHashSet();
        Assert.Contains(train, l => !songIds.Contains(l.SongId));
        Assert.Contains(train, l => !memberIds.Contains(l.Msno));
        var trainMembers = train.Select(l => l.Msno).ToHashSet();
        Assert.Contains(members, m => !trainMembers.Contains(m.Msno));
        Assert.True(songIds.Count > 3 * train.Select(l => l.SongId).Distinct().Count(), "most catalogue songs are never listened to");

        // Library replays are far more likely than radio ones.
        double library = train.Where(l => l.SourceType == "local-library").Average(l => l.Target);
        double radio = train.Where(l => l.SourceType == "radio").Average(l => l.Target);
        Assert.True(library > radio + 0.25, $"local-library {library:F2}, radio {radio:F2}");

        // Song popularity is heavy-tailed: the top 1% of listened songs take a large share of rows.
        var counts = train.GroupBy(l => l.SongId).Select(g => g.Count()).OrderByDescending(n => n).ToList();
        double top = counts.Take(Math.Max(1, counts.Count / 100)).Sum() / (double)train.Count;
        Assert.InRange(top, 0.08, 0.6);
    }

    [Fact]
    public void Roc_auc_matches_hand_computed_values()
    {
        Assert.Equal(1.0, RocAuc.Compute([0.1f, 0.2f, 0.8f, 0.9f], [0, 0, 1, 1]));
        Assert.Equal(0.0, RocAuc.Compute([0.9f, 0.8f, 0.2f, 0.1f], [0, 0, 1, 1]));
        Assert.Equal(0.5, RocAuc.Compute([0.5f, 0.5f, 0.5f, 0.5f], [0, 1, 0, 1]));
        // Pairs (pos, neg): (0.4 vs 0.1) win, (0.4 vs 0.5) lose, (0.7 vs 0.1) win, (0.7 vs 0.5) win: 3/4.
        Assert.Equal(0.75, RocAuc.Compute([0.1f, 0.4f, 0.5f, 0.7f], [0, 1, 0, 1]));
        // A tie between a positive and a negative counts half: (0.5 vs 0.5) half, (0.5 vs 0.2) win.
        Assert.Equal(0.75, RocAuc.Compute([0.2f, 0.5f, 0.5f], [0, 0, 1]));
        Assert.True(double.IsNaN(RocAuc.Compute([0.1f, 0.2f], [1, 1])));
    }

    [Fact]
    public void Sizes_parse_and_full_has_the_real_cardinalities()
    {
        Assert.Equal(SynthSize.Full, SynthSize.Parse("full"));
        Assert.Throws<ArgumentException>(() => SynthSize.Parse("huge"));
        Assert.Equal((7_377_418L, 34_403, 2_296_869, 239_750, 360_936, 128_374, 192),
            (SynthSize.Full.TrainRows, SynthSize.Full.Members, SynthSize.Full.CatalogSongs, SynthSize.Full.Artists,
             SynthSize.Full.Composers, SynthSize.Full.Lyricists, SynthSize.Full.Genres));
        Assert.Equal(201, SynthVocab.Countries.Distinct().Count());
        Assert.Equal(12, SynthVocab.Languages.Distinct().Count());
        Assert.Equal(9, SynthVocab.Tabs.Length);
        Assert.Equal(21, SynthVocab.Screens.Length);
        Assert.Equal(12, SynthVocab.Types.Length);
        Assert.InRange(SynthSize.Small.TrainRows, 150_000, 250_000);
        Assert.Equal(SynthSize.Small.TestRows.ToString(CultureInfo.InvariantCulture), Math.Round(SynthSize.Full.TestRows * 200_000.0 / SynthSize.Full.TrainRows).ToString(CultureInfo.InvariantCulture));
    }
}
