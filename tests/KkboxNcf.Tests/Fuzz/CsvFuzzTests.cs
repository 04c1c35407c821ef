using System.Text;
using System.Text.Json;
using KkboxNcf.Data;
using KkboxNcf.Tests.Data;
using Xunit.Abstractions;

namespace KkboxNcf.Tests.Fuzz;

/// <summary>
/// Random and mutated input into the readers of all five KKBOX files. For every file: no exception
/// but KkboxFormatException for a damaged header, no hang (each read is bounded), every physical line
/// belongs to exactly one row, and rows in = accepted + rejected, with each rejected row in the
/// rejects file under its line number. The counts of inputs tried are printed (docs/fuzzing.md).
/// </summary>
public class CsvFuzzTests(ITestOutputHelper output)
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    const int FilesPerSchema = 60;
    const int RowsPerFile = 150;

    public static TheoryData<string> Files => new(KkboxSchema.All.Select(s => s.FileName));

    [Theory]
    [MemberData(nameof(Files))]
    public void MutatedRowsAreReadOrRejectedAndCountedNeverLost(string file)
    {
        var schema = KkboxSchema.All.Single(s => s.FileName == file);
        var fuzz = new CsvFuzzInputs(Seed(file));
        using var dir = new TempDir();
        long rows = 0, accepted = 0, rejected = 0;
        var reasons = new Dictionary<string, long>();
        for (int f = 0; f < FilesPerSchema; f++)
        {
            byte[] bytes = BuildFile(fuzz, schema, RowsPerFile);
            var outcome = ReadAndCheck(dir, schema, bytes, $"{file}#{f}");
            rows += outcome.Rows;
            accepted += outcome.Accepted;
            rejected += outcome.Rejected;
            foreach (var (reason, n) in outcome.Reasons) reasons[reason] = reasons.GetValueOrDefault(reason) + n;
        }
        Assert.Equal(rows, accepted + rejected);
        Assert.True(accepted > 0 && rejected > 0, $"accepted {accepted}, rejected {rejected}: the mix should have both");
        output.WriteLine($"fuzz {file}: {FilesPerSchema} files, {rows:N0} rows tried: {accepted:N0} accepted, {rejected:N0} rejected");
        foreach (var (reason, n) in reasons.OrderByDescending(kv => kv.Value)) output.WriteLine($"  {n,8:N0}  {reason}");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void RandomBytesAfterAValidHeaderAreReadOrRejectedAndCounted(string file)
    {
        var schema = KkboxSchema.All.Single(s => s.FileName == file);
        var random = new Random(Seed(file) + 17);
        using var dir = new TempDir();
        long rows = 0;
        for (int f = 0; f < 200; f++)
        {
            var body = new byte[random.Next(0, 3000)];
            random.NextBytes(body);
            // more line breaks, commas and quotes than uniform bytes give, so rows have some shape
            for (int i = 0; i < body.Length; i++)
                if (random.Next(8) == 0) body[i] = "\n,\",\r\n\0"u8[random.Next(7)];
            rows += ReadAndCheck(dir, schema, [.. Encoding.UTF8.GetBytes(schema.Header + "\n"), .. body], $"{file}#random{f}").Rows;
        }
        output.WriteLine($"fuzz {file}: 200 random files, {rows:N0} rows tried");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void DamagedHeadersStopWithAClearErrorOrReadNormally(string file)
    {
        var schema = KkboxSchema.All.Single(s => s.FileName == file);
        var fuzz = new CsvFuzzInputs(5);
        using var dir = new TempDir();
        int stopped = 0, read = 0;
        for (int i = 0; i < 200; i++)
        {
            byte[] header = fuzz.Mutate(Encoding.UTF8.GetBytes(schema.Header), schema, Encoding.UTF8.GetBytes(schema.Header));
            byte[] bytes = [.. header, (byte)'\n', .. fuzz.ValidRow(schema), (byte)'\n'];
            string path = dir.WriteBytes(file, bytes);
            try
            {
                Bounded.Run(() => ReadTyped(schema, path, new ReadReport()), Bound, $"{file}: reading a damaged header");
                read++;
            }
            catch (KkboxFormatException format)
            {
                Assert.Contains(path, format.Message);
                Assert.Contains("wrong header", format.Message);
                stopped++;
            }
        }
        Assert.Equal(200, stopped + read);
        output.WriteLine($"fuzz {file}: 200 damaged headers: {stopped} stopped with a clear error, {read} still the expected header");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void FieldsOfMegabytesAreRejectedWithoutStoppingTheFile(string file)
    {
        var schema = KkboxSchema.All.Single(s => s.FileName == file);
        var fuzz = new CsvFuzzInputs(3);
        using var dir = new TempDir();
        var body = new List<byte>(Encoding.UTF8.GetBytes(schema.Header + "\n"));
        body.AddRange(fuzz.ValidRow(schema)); body.Add((byte)'\n');
        body.AddRange([.. Encoding.UTF8.GetBytes(new string(',', schema.Columns.Length - 1)), .. fuzz.HugeField(3 << 20)]); body.Add((byte)'\n'); // 3 MB field
        body.AddRange([(byte)'"', .. fuzz.HugeField(2 << 20)]); body.Add((byte)'\n');                                   // 2 MB unterminated quote
        body.AddRange(fuzz.ValidRow(schema)); body.Add((byte)'\n');
        var outcome = ReadAndCheck(dir, schema, body.ToArray(), file + "#huge");

        Assert.Equal(4, outcome.Rows);
        Assert.Equal(2, outcome.Accepted);
        Assert.Equal(2, outcome.Rejected);
    }

    [Fact]
    public void ARowAboveTheRowLimitIsRejectedAndReadingGoesOn()
    {
        using var dir = new TempDir();
        var schema = KkboxSchema.Train;
        var fuzz = new CsvFuzzInputs(11);
        byte[] good = fuzz.ValidRow(schema);
        // 20 MB without a line break: above the 16 MiB row limit
        byte[] bytes = [.. Encoding.UTF8.GetBytes(schema.Header + "\n"), .. good, (byte)'\n', .. fuzz.HugeField(20 << 20), (byte)'\n', .. good, (byte)'\n'];
        var outcome = ReadAndCheck(dir, schema, bytes, "train.csv#20MB");

        Assert.Equal((3L, 2L, 1L), (outcome.Rows, outcome.Accepted, outcome.Rejected));
        Assert.Equal(1, outcome.Reasons[RejectReasons.RowTooLong]);
        var reject = JsonDocument.Parse(File.ReadLines(dir.File("rejects.jsonl")).Single()).RootElement;
        Assert.Equal(3, reject.GetProperty("line").GetInt32());
        Assert.True(reject.GetProperty("raw_truncated").GetBoolean());
    }

    [Fact]
    public void AQuotedFieldRunningPastTheRowLimitGivesBackItsFirstLineOnly()
    {
        // a small row limit, so the test stays quick: 60 lines of 4 KB inside one open quote
        var text = new StringBuilder("a,\"open\n");
        for (int i = 0; i < 60; i++) text.Append(new string('x', 4000)).Append('\n');
        text.Append("b,c\n");
        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        using var csv = new CsvRowReader(new MemoryStream(bytes), bufferSize: 4096, maxRowBytes: 128 * 1024);

        Assert.Equal(CsvRowStatus.TooLong, csv.ReadRow());
        Assert.Equal("a,\"open", Encoding.UTF8.GetString(csv.RawRow));
        Assert.Equal(CsvRowStatus.Row, csv.ReadRow());
        Assert.Equal(2, csv.LineNumber);
        AssertRowsCoverFile(bytes, bufferSize: 4096, maxRowBytes: 128 * 1024);
    }

    /// <summary>A seed per file that is the same in every run (string.GetHashCode is not), so a failure replays.</summary>
    static int Seed(string file) => file.Aggregate(7, (h, c) => unchecked(h * 31 + c)) & 0xffff;

    record Outcome(long Rows, long Accepted, long Rejected, IReadOnlyDictionary<string, long> Reasons);

    /// <summary>A header (sometimes with a BOM), then valid and mutated rows with LF or CRLF, blank rows, maybe a cut-off last line.</summary>
    static byte[] BuildFile(CsvFuzzInputs fuzz, KkboxFileSchema schema, int rowCount)
    {
        var r = fuzz.Random;
        var bytes = new List<byte>();
        if (r.Next(4) == 0) bytes.AddRange([0xEF, 0xBB, 0xBF]);
        bytes.AddRange(Encoding.UTF8.GetBytes(schema.Header));
        bytes.AddRange(r.Next(2) == 0 ? "\r\n"u8.ToArray() : "\n"u8.ToArray());
        for (int i = 0; i < rowCount; i++)
        {
            byte[] row = fuzz.ValidRow(schema);
            int kind = r.Next(20);
            if (kind < 11) row = fuzz.Mutate(row, schema, fuzz.ValidRow(schema));
            else if (kind == 11) row = Encoding.UTF8.GetBytes(new string(',', schema.Columns.Length - 1));
            else if (kind == 12) row = [];
            bytes.AddRange(row);
            if (i < rowCount - 1 || r.Next(3) > 0) bytes.AddRange(r.Next(2) == 0 ? "\r\n"u8.ToArray() : "\n"u8.ToArray());
        }
        return bytes.ToArray();
    }

    /// <summary>Reads a file with the typed reader (and, for listens, the span reader Ingest uses) and checks every count.</summary>
    static Outcome ReadAndCheck(TempDir dir, KkboxFileSchema schema, byte[] bytes, string what)
    {
        string path = dir.WriteBytes(schema.FileName, bytes);
        string rejectsPath = dir.File("rejects.jsonl");
        File.Delete(rejectsPath);
        long expectedRows = AssertRowsCoverFile(bytes) - 1; // the header is a row of the CSV reader

        var sink = new RejectSink(rejectsPath);
        var report = new ReadReport(sink);
        long yielded = Bounded.Run(() => ReadTyped(schema, path, report), Bound, $"{what}: the reader");
        sink.Dispose();

        var stats = Assert.Single(report.Files);
        Assert.Equal(expectedRows, stats.Rows);
        Assert.Equal(stats.Rows, stats.Accepted + stats.Rejected);
        Assert.Equal(yielded, stats.Accepted);
        Assert.Equal(stats.Rejected, stats.RejectsByReason.Values.Sum());
        var kept = File.Exists(rejectsPath) ? File.ReadAllLines(rejectsPath) : [];
        Assert.Equal(stats.Rejected, kept.Length);
        foreach (var line in kept)
        {
            var reject = JsonDocument.Parse(line).RootElement;
            Assert.Equal(schema.FileName, reject.GetProperty("file").GetString());
            Assert.True(reject.TryGetProperty("raw", out _) || reject.TryGetProperty("raw_base64", out _), $"{what}: a reject without its raw row: {line}");
            Assert.Contains(reject.GetProperty("reason").GetString()!, stats.RejectsByReason.Keys);
        }

        if (schema == KkboxSchema.Train || schema == KkboxSchema.Test)
        {
            // the allocation-free path Ingest replays from accepts exactly the same rows
            long scanned = 0;
            Bounded.Run(() => KkboxReader.ScanListens(path, new ReadReport(), (in ListenFields f) =>
            {
                Assert.False(f.Msno.IsEmpty || f.SongId.IsEmpty);
                scanned++;
            }), Bound, $"{what}: ScanListens");
            Assert.Equal(yielded, scanned);
        }
        return new Outcome(stats.Rows, stats.Accepted, stats.Rejected, new Dictionary<string, long>(stats.RejectsByReason));
    }

    /// <summary>Reads with the typed reader of the file, checks each value it yields, returns how many it yielded.</summary>
    static long ReadTyped(KkboxFileSchema schema, string path, ReadReport report)
    {
        long n = 0;
        switch (schema.FileName)
        {
            case "train.csv" or "test.csv":
                foreach (var l in KkboxReader.ReadListens(path, report))
                {
                    Assert.False(l.Msno.Length == 0 || l.SongId.Length == 0);
                    Assert.True(schema == KkboxSchema.Train ? l.HasLabel : l.Target == -1 && l.Id >= 0);
                    n++;
                }
                break;
            case "songs.csv":
                foreach (var s in KkboxReader.ReadSongs(path, report))
                {
                    Assert.InRange(s.SongId.Length, 1, RejectReasons.MaxKeyBytes);
                    Assert.All(s.Genres.Concat(s.Artists).Concat(s.Composers).Concat(s.Lyricists), v => Assert.NotEqual("", v));
                    n++;
                }
                break;
            case "members.csv":
                foreach (var m in KkboxReader.ReadMembers(path, report))
                {
                    Assert.InRange(m.Msno.Length, 1, RejectReasons.MaxKeyBytes);
                    n++;
                }
                break;
            default:
                foreach (var e in KkboxReader.ReadSongExtras(path, report))
                {
                    Assert.InRange(e.SongId.Length, 1, RejectReasons.MaxKeyBytes);
                    n++;
                }
                break;
        }
        return n;
    }

    /// <summary>
    /// Nothing is lost between the bytes and the rows: the raw rows, with their line breaks, put back
    /// together are the file (less a byte-order mark), and each row starts on the line after the last
    /// one ended. Returns the number of rows (header included).
    /// </summary>
    static long AssertRowsCoverFile(byte[] file, int bufferSize = 4096, int maxRowBytes = CsvRowReader.DefaultMaxRowBytes)
    {
        using var csv = new CsvRowReader(new MemoryStream(file), bufferSize, maxRowBytes: maxRowBytes);
        int pos = file.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        long line = 1, rows = 0;
        while (csv.ReadRow() is var status && status != CsvRowStatus.End)
        {
            rows++;
            Assert.Equal(line, csv.LineNumber);
            var raw = csv.RawRow;
            Assert.True(file.AsSpan(pos).StartsWith(raw), $"row at line {line} is not the file's next bytes");
            int next = status == CsvRowStatus.TooLong && file.AsSpan(pos + raw.Length).IndexOf((byte)'\n') is var nl && raw.IndexOf((byte)'\n') < 0
                ? (nl < 0 ? file.Length : pos + raw.Length + nl) // the rest of a too-long line is skipped
                : pos + raw.Length;
            line += raw.Count((byte)'\n') + 1;
            pos = next;
            if (pos < file.Length && file[pos] == (byte)'\r') pos++;
            if (csv.Terminated)
            {
                Assert.Equal((byte)'\n', file[pos]);
                pos++;
            }
            else Assert.Equal(file.Length, pos);
        }
        Assert.Equal(file.Length, pos);
        return rows;
    }
}
