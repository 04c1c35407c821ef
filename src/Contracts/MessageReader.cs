using System.Buffers.Binary;
using System.Text;

namespace KkboxNcf.Contracts;

/// <summary>Reads what MessageWriter wrote; every malformed input becomes a MessageFormatException.</summary>
public ref struct MessageReader
{
    /// <summary>Upper bound on any string or array length, so a corrupt length cannot allocate gigabytes.</summary>
    public const int MaxLength = 1 << 20;

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    readonly ReadOnlySpan<byte> _data;
    int _pos;

    public MessageReader(ReadOnlySpan<byte> data) { _data = data; _pos = 0; }

    public readonly bool AtEnd => _pos == _data.Length;

    /// <summary>Reads the header and checks the type; returns the schema version for the caller to check.</summary>
    public byte Header(MessageType expected)
    {
        if (_data.Length < 2) throw new MessageFormatException($"{expected}: message of {_data.Length} bytes has no header");
        var type = (MessageType)_data[0];
        if (type != expected) throw new MessageFormatException($"expected a {expected} message, got type tag {_data[0]}");
        _pos = 2;
        return _data[1];
    }

    public long Long()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_pos >= _data.Length) throw new MessageFormatException("truncated varint");
            byte b = _data[_pos++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return (long)(result >> 1) ^ -(long)(result & 1);
        }
        throw new MessageFormatException("varint longer than 10 bytes");
    }

    public int Int()
    {
        long v = Long();
        if (v is < int.MinValue or > int.MaxValue) throw new MessageFormatException($"integer {v} out of range");
        return (int)v;
    }

    public double Double()
    {
        if (_pos + 8 > _data.Length) throw new MessageFormatException("truncated double");
        double v = BinaryPrimitives.ReadDoubleLittleEndian(_data[_pos..]);
        _pos += 8;
        return v;
    }

    public string String()
    {
        int length = Length("string");
        if (_pos + length > _data.Length) throw new MessageFormatException("truncated string");
        string s;
        try { s = StrictUtf8.GetString(_data.Slice(_pos, length)); }
        catch (DecoderFallbackException) { throw new MessageFormatException("invalid UTF-8 in a string"); }
        _pos += length;
        return s;
    }

    public string[] Strings()
    {
        int count = Count("array", minBytesEach: 1);
        var result = new string[count];
        for (int i = 0; i < count; i++) result[i] = String();
        return result;
    }

    /// <summary>
    /// A count of elements that take at least minBytesEach bytes each: a count the rest of the message
    /// cannot hold is refused before anything is allocated for it (a 10-byte message must not make the
    /// reader allocate an array of a million entries).
    /// </summary>
    public int Count(string what, int minBytesEach)
    {
        int n = Length(what);
        if ((long)n * minBytesEach > _data.Length - _pos)
            throw new MessageFormatException($"{what} of {n} elements does not fit in the {_data.Length - _pos} bytes left");
        return n;
    }

    public readonly void End(MessageType type)
    {
        if (_pos != _data.Length) throw new MessageFormatException($"{type}: {_data.Length - _pos} unexpected trailing bytes");
    }

    int Length(string what)
    {
        long n = Long();
        if (n < 0 || n > MaxLength) throw new MessageFormatException($"{what} length {n} out of range");
        return (int)n;
    }
}
