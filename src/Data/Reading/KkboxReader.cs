using System.Text.Unicode;

namespace KkboxNcf.Data;

/// <summary>
/// Streaming readers for the five KKBOX files. Each checks the header first (a wrong header throws
/// KkboxFormatException naming the file and the expected columns), then yields rows in file order.
/// A row that cannot be read is counted and kept through the ReadReport and reading goes on.
/// Missing integers are -1 (song_length, language, city, registered_via, dates) except bd, where the
/// real files already use 0 for "unknown". Strings that repeat
/// (member ids, context names, artists, genres) are interned per call.
/// </summary>
public static class KkboxReader
{
    const int CancelCheckEvery = 1 << 16;

    /// <summary>
    /// train.csv or test.csv (the header tells which): typed listens. Member ids and context names
    /// are interned; song ids only with internSongIds (worth it when all listens are kept in memory:
    /// ~420k distinct ids instead of one string per row; it costs speed, the lookups miss the caches).
    /// </summary>
    public static IEnumerable<Listen> ReadListens(string path, ReadReport report, CancellationToken ct = default, bool internSongIds = false)
    {
        // Opened here, not in the iterator, so a wrong header fails at the call and not at the first MoveNext.
        var csv = OpenListens(path, out bool isTest);
        return IterateListens(csv, isTest, report.For(Path.GetFileName(path)), report, internSongIds, ct);
    }

    static IEnumerable<Listen> IterateListens(CsvRowReader csv, bool isTest, FileReadStats stats, ReadReport report, bool internSongIds, CancellationToken ct)
    {
        using var _ = csv;
        var members = new StringPool(1 << 20);
        var contexts = new StringPool(1 << 16);
        var songs = internSongIds ? new StringPool(1 << 23) : null;
        long row = 0, accepted = 0;
        try
        {
            while (true)
            {
                var status = csv.ReadRow();
                if (status == CsvRowStatus.End) break;
                row++;
                if ((row & (CancelCheckEvery - 1)) == 0) ct.ThrowIfCancellationRequested();
                string? reason = TryListen(csv, status, isTest, row, out var f);
                if (reason is not null) { report.Reject(stats, csv.LineNumber, row, reason, csv.RawRow, csv.RawRowIsPartial); continue; }
                accepted++;
                yield return new Listen(row, members.Get(f.Msno), songs?.Get(f.SongId) ?? Utf8Fields.Text(f.SongId), contexts.Get(f.SourceSystemTab),
                    contexts.Get(f.SourceScreenName), contexts.Get(f.SourceType), f.Target, f.Id);
            }
        }
        finally
        {
            report.AddAccepted(stats, accepted);
            if (!csv.Terminated && row > 0) stats.LastLineUnterminated = true;
        }
    }

    /// <summary>
    /// train.csv or test.csv through a callback with span fields: no allocation per row. Returns the
    /// file's stats (also in the report).
    /// </summary>
    public static FileReadStats ScanListens(string path, ReadReport report, ListenHandler handler, CancellationToken ct = default)
    {
        using var csv = OpenListens(path, out bool isTest);
        return Scan(csv, Path.GetFileName(path), report, (csv, status, row) =>
        {
            string? reason = TryListen(csv, status, isTest, row, out var f);
            if (reason is null) handler(in f);
            return reason;
        }, ct);
    }

    public static IEnumerable<Song> ReadSongs(string path, ReadReport report, CancellationToken ct = default)
    {
        var names = new StringPool(1 << 21);
        var ids = new StringPool(0);
        return ReadRows(path, KkboxSchema.Songs, report, ct, (CsvRowReader r, out Song? song) =>
        {
            song = null;
            if (RejectReasons.ForKey(r.Field(0), "song_id") is { } keyProblem) return keyProblem;
            if (!Utf8Fields.TryParseInt(r.Field(1), -1, out int length)) return RejectReasons.For(RejectReasons.BadInteger, "song_length");
            if (!Utf8Fields.TryParseInt(r.Field(6), -1, out int language)) return RejectReasons.For(RejectReasons.BadInteger, "language");
            song = new Song(ids.Get(r.Field(0)), length, Utf8Fields.SplitMulti(r.Field(2), names),
                Utf8Fields.SplitMulti(r.Field(3), names), Utf8Fields.SplitMulti(r.Field(4), names),
                Utf8Fields.SplitMulti(r.Field(5), names), language);
            return null;
        });
    }

    public static IEnumerable<Member> ReadMembers(string path, ReadReport report, CancellationToken ct = default)
    {
        var pool = new StringPool(1 << 16);
        return ReadRows(path, KkboxSchema.Members, report, ct, (CsvRowReader r, out Member? member) =>
        {
            member = null;
            if (RejectReasons.ForKey(r.Field(0), "msno") is { } keyProblem) return keyProblem;
            if (!Utf8Fields.TryParseInt(r.Field(1), -1, out int city)) return RejectReasons.For(RejectReasons.BadInteger, "city");
            if (!Utf8Fields.TryParseInt(r.Field(2), 0, out int bd)) return RejectReasons.For(RejectReasons.BadInteger, "bd");
            if (!Utf8Fields.TryParseInt(r.Field(4), -1, out int via)) return RejectReasons.For(RejectReasons.BadInteger, "registered_via");
            if (!Utf8Fields.TryParseInt(r.Field(5), -1, out int registered)) return RejectReasons.For(RejectReasons.BadInteger, "registration_init_time");
            if (!Utf8Fields.TryParseInt(r.Field(6), -1, out int expires)) return RejectReasons.For(RejectReasons.BadInteger, "expiration_date");
            member = new Member(Utf8Fields.Text(r.Field(0)), city, bd, pool.Get(Utf8Fields.TrimAscii(r.Field(3))), via, registered, expires);
            return null;
        });
    }

    public static IEnumerable<SongExtra> ReadSongExtras(string path, ReadReport report, CancellationToken ct = default) =>
        ReadRows(path, KkboxSchema.SongExtras, report, ct, (CsvRowReader r, out SongExtra? extra) =>
        {
            extra = null;
            if (RejectReasons.ForKey(r.Field(0), "song_id") is { } keyProblem) return keyProblem;
            extra = new SongExtra(Utf8Fields.Text(r.Field(0)), Utf8Fields.Text(r.Field(1)), Utf8Fields.Text(Utf8Fields.TrimAscii(r.Field(2))));
            return null;
        });

    /// <summary>Opens a file and checks its header against the schema; throws KkboxFormatException when it differs.</summary>
    public static CsvRowReader Open(string path, KkboxFileSchema schema)
    {
        var csv = CsvRowReader.Open(path);
        try
        {
            var found = ReadHeader(csv);
            if (!found.SequenceEqual(schema.Columns))
                throw new KkboxFormatException(HeaderMessage(path, found, schema));
            return csv;
        }
        catch
        {
            csv.Dispose();
            throw;
        }
    }

    delegate string? RowParser<T>(CsvRowReader row, out T? value);

    static IEnumerable<T> ReadRows<T>(string path, KkboxFileSchema schema, ReadReport report, CancellationToken ct, RowParser<T> parse)
        where T : class
    {
        // Opened here, not in the iterator, so a wrong header fails at the call and not at the first MoveNext.
        var csv = Open(path, schema);
        return Iterate(csv, schema, report, ct, parse, Path.GetFileName(path));
    }

    static IEnumerable<T> Iterate<T>(CsvRowReader csv, KkboxFileSchema schema, ReadReport report, CancellationToken ct, RowParser<T> parse, string file)
        where T : class
    {
        using var _ = csv;
        var stats = report.For(file);
        long row = 0, accepted = 0;
        try
        {
            while (true)
            {
                var status = csv.ReadRow();
                if (status == CsvRowStatus.End) break;
                row++;
                if ((row & (CancelCheckEvery - 1)) == 0) ct.ThrowIfCancellationRequested();
                string? reason = CheckShape(csv, status, schema.Columns.Length);
                T? value = null;
                reason ??= parse(csv, out value);
                if (reason is not null) { report.Reject(stats, csv.LineNumber, row, reason, csv.RawRow, csv.RawRowIsPartial); continue; }
                accepted++;
                yield return value!;
            }
        }
        finally
        {
            report.AddAccepted(stats, accepted);
            if (!csv.Terminated && row > 0) stats.LastLineUnterminated = true;
        }
    }

    /// <summary>
    /// Any KKBOX file row by row with no allocation per row: the header is checked, malformed rows
    /// (quotes, column count, UTF-8, blank) are rejected here, and each well-formed row goes to
    /// <paramref name="handle"/>, which reads fields with row.Field(i) and returns a reject reason or null.
    /// </summary>
    public static FileReadStats ScanRows(string path, KkboxFileSchema schema, ReadReport report,
        Func<CsvRowReader, string?> handle, CancellationToken ct = default)
    {
        using var csv = Open(path, schema);
        return Scan(csv, Path.GetFileName(path), report,
            (csv, status, _) => CheckShape(csv, status, schema.Columns.Length) ?? handle(csv), ct);
    }

    /// <summary>Reads one row after the other; <paramref name="step"/> handles a row and returns its reject reason or null.</summary>
    delegate string? RowStep(CsvRowReader csv, CsvRowStatus status, long row);

    /// <summary>The row loop of the callback readers: counting, cancellation, rejects and the cut-off last line.</summary>
    static FileReadStats Scan(CsvRowReader csv, string file, ReadReport report, RowStep step, CancellationToken ct)
    {
        var stats = report.For(file);
        long row = 0, accepted = 0;
        try
        {
            while (true)
            {
                var status = csv.ReadRow();
                if (status == CsvRowStatus.End) break;
                row++;
                if ((row & (CancelCheckEvery - 1)) == 0) ct.ThrowIfCancellationRequested();
                string? reason = step(csv, status, row);
                if (reason is not null) { report.Reject(stats, csv.LineNumber, row, reason, csv.RawRow, csv.RawRowIsPartial); continue; }
                accepted++;
            }
        }
        finally
        {
            report.AddAccepted(stats, accepted);
            if (!csv.Terminated && row > 0) stats.LastLineUnterminated = true;
        }
        return stats;
    }

    static CsvRowReader OpenListens(string path, out bool isTest)
    {
        var csv = CsvRowReader.Open(path);
        try
        {
            var found = ReadHeader(csv);
            if (found.SequenceEqual(KkboxSchema.Train.Columns)) isTest = false;
            else if (found.SequenceEqual(KkboxSchema.Test.Columns)) isTest = true;
            else throw new KkboxFormatException(HeaderMessage(path, found, KkboxSchema.Train, KkboxSchema.Test));
            return csv;
        }
        catch
        {
            csv.Dispose();
            throw;
        }
    }

    static string? TryListen(CsvRowReader csv, CsvRowStatus status, bool isTest, long row, out ListenFields fields)
    {
        fields = default;
        string? shape = CheckShape(csv, status, 6);
        if (shape is not null) return shape;
        int o = isTest ? 1 : 0;
        var msno = csv.Field(o);
        var song = csv.Field(o + 1);
        if (RejectReasons.ForKey(msno, "msno") is { } msnoProblem) return msnoProblem;
        if (RejectReasons.ForKey(song, "song_id") is { } songProblem) return songProblem;
        int target = -1;
        long id = -1;
        if (isTest)
        {
            if (!Utf8Fields.TryParseLong(csv.Field(0), out id)) return RejectReasons.For(RejectReasons.BadInteger, "id");
        }
        else
        {
            var t = csv.Field(5);
            if (t.Length == 1 && (t[0] == (byte)'0' || t[0] == (byte)'1')) target = t[0] - '0';
            else if (!Utf8Fields.TryParseInt(t, -1, out target) || target is not (0 or 1)) return RejectReasons.BadTarget;
        }
        fields = new ListenFields
        {
            Row = row,
            Line = csv.LineNumber,
            Msno = msno,
            SongId = song,
            SourceSystemTab = csv.Field(o + 2),
            SourceScreenName = csv.Field(o + 3),
            SourceType = csv.Field(o + 4),
            Target = target,
            Id = id,
        };
        return null;
    }

    /// <summary>The checks every file shares: quoting, row and field size, blank rows, column count, UTF-8.</summary>
    static string? CheckShape(CsvRowReader csv, CsvRowStatus status, int columns)
    {
        if (status == CsvRowStatus.UnterminatedQuote) return RejectReasons.UnterminatedQuote;
        if (status == CsvRowStatus.TooLong) return RejectReasons.RowTooLong;
        if (csv.IsBlank) return RejectReasons.EmptyRow;
        if (csv.FieldCount != columns) return RejectReasons.WrongColumnCount;
        // a field can be too long only in a row that is: the usual short row costs one comparison
        if (csv.RawRow.Length > RejectReasons.MaxFieldBytes)
            for (int i = 0; i < columns; i++)
                if (csv.Field(i).Length > RejectReasons.MaxFieldBytes) return RejectReasons.FieldTooLong;
        if (!Utf8.IsValid(csv.RawRow)) return RejectReasons.InvalidUtf8;
        return null;
    }

    static string[] ReadHeader(CsvRowReader csv)
    {
        if (csv.ReadRow() != CsvRowStatus.Row) return [];
        var names = new string[csv.FieldCount];
        for (int i = 0; i < names.Length; i++) names[i] = Utf8Fields.Text(Utf8Fields.TrimAscii(csv.Field(i)));
        return names;
    }

    static string HeaderMessage(string path, string[] found, params KkboxFileSchema[] expected) =>
        $"{path}: wrong header. Expected the columns {string.Join(" or ", expected.Select(s => s.Header))} " +
        $"({string.Join(" / ", expected.Select(s => s.FileName))}); found " +
        (found.Length == 0 ? "no header (empty file)" : string.Join(',', found));
}
