using System.Buffers;

namespace KkboxNcf.Data;

/// <summary>What ReadRow found.</summary>
public enum CsvRowStatus
{
    /// <summary>A row; its fields are in Field(i).</summary>
    Row,
    /// <summary>A quote that never closes (within MaxQuotedLines lines or before the end): the row's first line is given as RawRow and reading goes on after it.</summary>
    UnterminatedQuote,
    /// <summary>A row longer than the reader's row limit: its first line (or the first bytes of a longer line) is given as RawRow and reading goes on after that line.</summary>
    TooLong,
    /// <summary>No more rows.</summary>
    End,
}

/// <summary>
/// RFC 4180 rows from a UTF-8 byte stream, without decoding to text: fields are byte spans into a
/// big buffer (valid until the next ReadRow). Takes a byte-order mark, LF or CRLF, quoted fields with
/// commas, doubled quotes and line breaks, and a last line with no line break. Lines without a quote
/// take a fast path (vectorised searches for '\n' and ','); quoted rows are unescaped into a side
/// buffer so the raw row stays intact for the rejects file. Lenient where common readers are: a
/// quote inside an unquoted field is kept as a character, text after a closing quote is appended.
/// A row above the row limit (16 MiB by default) comes back as TooLong and reading goes on, so one
/// damaged line neither stops the file nor takes all memory.
/// </summary>
public sealed class CsvRowReader : IDisposable
{
    /// <summary>A quoted field may span at most this many lines; beyond it the quote is taken as a stray one.</summary>
    public const int MaxQuotedLines = 100;
    /// <summary>Default row limit: far above any real KKBOX row, small enough that a file without line breaks cannot take all memory.</summary>
    public const int DefaultMaxRowBytes = 16 << 20;
    /// <summary>Of a line longer than the row limit, this many first bytes are kept as RawRow (the rejects file keeps 64 KiB anyway).</summary>
    const int OversizeKeptBytes = 64 * 1024;

    static readonly SearchValues<byte> QuoteOrNewline = SearchValues.Create("\"\n"u8);

    readonly Stream _stream;
    readonly bool _ownsStream;
    readonly int _maxRowBytes;
    byte[] _buf;
    int _pos, _end;
    bool _eof, _started;

    byte[] _scratch = new byte[4096];
    bool _fieldsInScratch;
    int[] _starts = new int[16];
    int[] _lengths = new int[16];
    int _rowStart, _rowLength;
    long _nextLine = 1;

    public CsvRowReader(Stream stream, int bufferSize = 1 << 20, bool ownsStream = true, int maxRowBytes = DefaultMaxRowBytes)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _buf = new byte[Math.Max(bufferSize, 4096)];
        _maxRowBytes = Math.Max(maxRowBytes, Math.Max(_buf.Length, 2 * OversizeKeptBytes));
    }

    public static CsvRowReader Open(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan));

    public int FieldCount { get; private set; }

    /// <summary>1-based line number where the current row starts (line 1 is the header).</summary>
    public long LineNumber { get; private set; }

    /// <summary>False when the current row ended at the end of the file without a line break.</summary>
    public bool Terminated { get; private set; }

    /// <summary>The row's bytes as in the file (without its final line break).</summary>
    public ReadOnlySpan<byte> RawRow => _buf.AsSpan(_rowStart, _rowLength);

    /// <summary>True when RawRow is only the start of the row (a line above the row limit).</summary>
    public bool RawRowIsPartial { get; private set; }

    public ReadOnlySpan<byte> Field(int i) =>
        (uint)i < (uint)FieldCount
            ? (_fieldsInScratch ? _scratch : _buf).AsSpan(_starts[i], _lengths[i])
            : throw new ArgumentOutOfRangeException(nameof(i));

    /// <summary>True when every field is empty (a blank line or a row like ",,,,,").</summary>
    public bool IsBlank
    {
        get
        {
            for (int i = 0; i < FieldCount; i++) if (_lengths[i] != 0) return false;
            return true;
        }
    }

    public CsvRowStatus ReadRow()
    {
        if (!_started) Start();
        RawRowIsPartial = false;
        while (true)
        {
            if (_pos >= _end)
            {
                if (_eof || !Fill()) return CsvRowStatus.End;
            }
            var rest = _buf.AsSpan(_pos, _end - _pos);
            int nl = rest.IndexOfAny(QuoteOrNewline);
            if (nl >= 0 && rest[nl] == (byte)'"') return ReadQuotedRow();
            if (nl < 0 && !_eof)
            {
                if (AtRowLimit) return TooLong();
                Fill();
                continue;
            }
            int lineLength = nl < 0 ? rest.Length : nl;
            var line = rest[..lineLength];
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            _rowStart = _pos;
            _rowLength = line.Length;
            LineNumber = _nextLine++;
            Terminated = nl >= 0;
            _pos += nl < 0 ? lineLength : lineLength + 1;
            SplitPlain(line, _rowStart);
            return CsvRowStatus.Row;
        }
    }

    void Start()
    {
        _started = true;
        Fill();
        if (_end - _pos >= 3 && _buf[_pos] == 0xEF && _buf[_pos + 1] == 0xBB && _buf[_pos + 2] == 0xBF) _pos += 3;
    }

    void SplitPlain(ReadOnlySpan<byte> line, int offset)
    {
        _fieldsInScratch = false;
        int count = 0, start = 0;
        while (true)
        {
            int comma = line[start..].IndexOf((byte)',');
            if (count == _starts.Length) GrowFields();
            _starts[count] = offset + start;
            if (comma < 0)
            {
                _lengths[count++] = line.Length - start;
                break;
            }
            _lengths[count++] = comma;
            start += comma + 1;
        }
        FieldCount = count;
    }

    /// <summary>The row at _pos has a quote before its first line break: parse it byte by byte.</summary>
    CsvRowStatus ReadQuotedRow()
    {
        while (true)
        {
            var result = TryParseQuoted(out bool needMore);
            if (!needMore) return result;
            if (AtRowLimit) return TooLong();
            if (!Fill()) _eof = true;
        }
    }

    CsvRowStatus TryParseQuoted(out bool needMore)
    {
        needMore = false;
        var span = _buf.AsSpan(_pos, _end - _pos);
        if (_scratch.Length < span.Length) _scratch = new byte[Math.Max(span.Length, _scratch.Length * 2)];
        int w = 0, count = 0, lines = 0, i = 0;
        bool inQuotes = false;
        int fieldStart = 0;
        while (true)
        {
            if (i >= span.Length)
            {
                if (!_eof) { needMore = true; return default; }
                if (inQuotes) return Unterminated(span);
                int end = w;
                if (i > 0 && span[i - 1] == (byte)'\r' && end > fieldStart && _scratch[end - 1] == (byte)'\r') end--;
                return FinishQuoted(span, i, i, end, count, fieldStart, terminated: false, lines);
            }
            byte b = span[i];
            if (inQuotes)
            {
                if (b == (byte)'"')
                {
                    if (i + 1 >= span.Length && !_eof) { needMore = true; return default; }
                    if (i + 1 < span.Length && span[i + 1] == (byte)'"') { _scratch[w++] = b; i += 2; continue; }
                    inQuotes = false;
                    i++;
                    continue;
                }
                if (b == (byte)'\n' && ++lines >= MaxQuotedLines) return Unterminated(span);
                _scratch[w++] = b;
                i++;
                continue;
            }
            if (b == (byte)'"' && w == fieldStart) { inQuotes = true; i++; continue; }
            if (b == (byte)',')
            {
                AddField(ref count, fieldStart, w - fieldStart);
                fieldStart = w;
                i++;
                continue;
            }
            if (b == (byte)'\n')
            {
                int contentEnd = w;
                // A CR just before the row's line break belongs to the line ending, not the field.
                if (i > 0 && span[i - 1] == (byte)'\r' && contentEnd > fieldStart && _scratch[contentEnd - 1] == (byte)'\r') contentEnd--;
                return FinishQuoted(span, i, i + 1, contentEnd, count, fieldStart, terminated: true, lines);
            }
            _scratch[w++] = b;
            i++;
        }
    }

    CsvRowStatus FinishQuoted(ReadOnlySpan<byte> span, int rowEnd, int consumed, int w, int count, int fieldStart, bool terminated, int innerLines)
    {
        AddField(ref count, fieldStart, w - fieldStart);
        FieldCount = count;
        _fieldsInScratch = true;
        _rowStart = _pos;
        _rowLength = rowEnd > 0 && span[rowEnd - 1] == (byte)'\r' ? rowEnd - 1 : rowEnd;
        LineNumber = _nextLine;
        _nextLine += innerLines + 1;
        Terminated = terminated;
        _pos += consumed;
        return CsvRowStatus.Row;
    }

    CsvRowStatus Unterminated(ReadOnlySpan<byte> span)
    {
        // Give back only the first physical line; the lines after it are read again as rows.
        int nl = span.IndexOf((byte)'\n');
        int lineLength = nl < 0 ? span.Length : nl;
        _rowStart = _pos;
        _rowLength = lineLength > 0 && span[lineLength - 1] == (byte)'\r' ? lineLength - 1 : lineLength;
        LineNumber = _nextLine++;
        Terminated = nl >= 0;
        FieldCount = 0;
        _pos += nl < 0 ? lineLength : lineLength + 1;
        return CsvRowStatus.UnterminatedQuote;
    }

    /// <summary>The unread row fills a buffer that may not grow any more.</summary>
    bool AtRowLimit => _pos == 0 && _end == _buf.Length && _buf.Length >= _maxRowBytes;

    /// <summary>
    /// A row that does not fit the row limit is rejected, not a reason to stop reading the file. When
    /// its first physical line fits (a quoted field that runs on over many lines), that line is given
    /// back and the lines after it are read again as rows, as for an unterminated quote; otherwise the
    /// first bytes of the line are kept and the rest of it is skipped up to its line break.
    /// </summary>
    CsvRowStatus TooLong()
    {
        FieldCount = 0;
        LineNumber = _nextLine++;
        _rowStart = 0;
        int nl = _buf.AsSpan(0, _end).IndexOf((byte)'\n');
        if (nl >= 0)
        {
            _rowLength = nl > 0 && _buf[nl - 1] == (byte)'\r' ? nl - 1 : nl;
            Terminated = true;
            _pos = nl + 1;
            return CsvRowStatus.TooLong;
        }
        _rowLength = OversizeKeptBytes;
        RawRowIsPartial = true;
        // Read the rest of the line into the buffer after the kept bytes, over and over, until its line break.
        _pos = _end = OversizeKeptBytes;
        while (true)
        {
            int n = _stream.Read(_buf, _end, _buf.Length - _end);
            if (n == 0)
            {
                _eof = true;
                Terminated = false;
                _pos = _end;
                return CsvRowStatus.TooLong;
            }
            int found = _buf.AsSpan(_end, n).IndexOf((byte)'\n');
            if (found >= 0)
            {
                Terminated = true;
                _pos = _end + found + 1;
                _end += n;
                return CsvRowStatus.TooLong;
            }
        }
    }

    void AddField(ref int count, int start, int length)
    {
        if (count == _starts.Length) GrowFields();
        _starts[count] = start;
        _lengths[count++] = length;
    }

    void GrowFields()
    {
        Array.Resize(ref _starts, _starts.Length * 2);
        Array.Resize(ref _lengths, _lengths.Length * 2);
    }

    /// <summary>Moves the unread bytes to the front, grows the buffer if a row fills it, reads more. False at the end.</summary>
    bool Fill()
    {
        if (_eof) return false;
        int remaining = _end - _pos;
        if (_pos > 0)
        {
            Buffer.BlockCopy(_buf, _pos, _buf, 0, remaining);
            _pos = 0;
            _end = remaining;
        }
        if (_end == _buf.Length)
        {
            // ReadRow stops at the row limit (TooLong) before it asks for more.
            if (_buf.Length >= _maxRowBytes) throw new InvalidOperationException("CsvRowReader: the row limit was passed");
            Array.Resize(ref _buf, Math.Min(_buf.Length * 2, _maxRowBytes));
        }
        int read = 0;
        while (_end < _buf.Length)
        {
            int n = _stream.Read(_buf, _end, _buf.Length - _end);
            if (n == 0) { _eof = true; break; }
            _end += n;
            read += n;
        }
        return read > 0;
    }

    public void Dispose()
    {
        if (_ownsStream) _stream.Dispose();
    }
}
