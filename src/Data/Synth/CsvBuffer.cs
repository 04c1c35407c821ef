using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace KkboxNcf.Data.Synth;

/// <summary>A growable UTF-8 buffer with the few CSV writes the generator needs (RFC 4180 quoting where a field needs it).</summary>
public sealed class CsvBuffer(int capacity = 1 << 16)
{
    static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");
    static readonly StandardFormat Six = new('F', 6);

    byte[] _buf = new byte[capacity];
    int _length;

    public ReadOnlySpan<byte> Written => _buf.AsSpan(0, _length);
    public void Clear() => _length = 0;

    public CsvBuffer Bytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buf.AsSpan(_length));
        _length += bytes.Length;
        return this;
    }

    public CsvBuffer Byte(byte b)
    {
        Ensure(1);
        _buf[_length++] = b;
        return this;
    }

    public CsvBuffer Comma() => Byte((byte)',');
    public CsvBuffer NewLine() => Byte((byte)'\n');

    public CsvBuffer Int(long value)
    {
        Ensure(24);
        Utf8Formatter.TryFormat(value, _buf.AsSpan(_length), out int n);
        _length += n;
        return this;
    }

    public CsvBuffer Probability(float p)
    {
        Ensure(24);
        Utf8Formatter.TryFormat((double)p, _buf.AsSpan(_length), out int n, Six);
        _length += n;
        return this;
    }

    /// <summary>A text field, quoted (with doubled quotes) only when it holds a comma, quote or line break.</summary>
    public CsvBuffer Text(string s)
    {
        if (s.AsSpan().IndexOfAny(NeedsQuotes) < 0)
        {
            Ensure(Encoding.UTF8.GetMaxByteCount(s.Length));
            _length += Encoding.UTF8.GetBytes(s, _buf.AsSpan(_length));
            return this;
        }
        string escaped = "\"" + s.Replace("\"", "\"\"") + "\"";
        Ensure(Encoding.UTF8.GetMaxByteCount(escaped.Length));
        _length += Encoding.UTF8.GetBytes(escaped, _buf.AsSpan(_length));
        return this;
    }

    void Ensure(int extra)
    {
        if (_length + extra > _buf.Length) Array.Resize(ref _buf, Math.Max(_buf.Length * 2, _length + extra));
    }
}
