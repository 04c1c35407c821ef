using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace KkboxNcf.Contracts;

/// <summary>
/// Writes the compact binary form shared by every message: a one-byte type tag, a one-byte schema
/// version, then fields in a fixed order: integers as zig-zag varints, strings as a varint byte
/// length plus UTF-8, arrays as a varint count plus items, doubles as 8 little-endian bytes.
/// </summary>
public sealed class MessageWriter
{
    readonly ArrayBufferWriter<byte> _buffer;

    public MessageWriter(int capacity = 256) => _buffer = new ArrayBufferWriter<byte>(capacity);

    public int Length => _buffer.WrittenCount;
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
    public void Reset() => _buffer.ResetWrittenCount();

    public MessageWriter Header(MessageType type, byte version)
    {
        var span = _buffer.GetSpan(2);
        span[0] = (byte)type;
        span[1] = version;
        _buffer.Advance(2);
        return this;
    }

    public MessageWriter Long(long value)
    {
        ulong zigzag = (ulong)((value << 1) ^ (value >> 63));
        var span = _buffer.GetSpan(10);
        int i = 0;
        while (zigzag >= 0x80)
        {
            span[i++] = (byte)(zigzag | 0x80);
            zigzag >>= 7;
        }
        span[i++] = (byte)zigzag;
        _buffer.Advance(i);
        return this;
    }

    public MessageWriter Int(int value) => Long(value);

    public MessageWriter Double(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    public MessageWriter String(ReadOnlySpan<char> value)
    {
        int bytes = Encoding.UTF8.GetByteCount(value);
        Long(bytes);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(bytes));
        _buffer.Advance(bytes);
        return this;
    }

    /// <summary>A string that is already UTF-8 (e.g. a field straight from a CSV buffer).</summary>
    public MessageWriter Utf8(ReadOnlySpan<byte> value)
    {
        Long(value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
        return this;
    }

    public MessageWriter Strings(IReadOnlyList<string> values)
    {
        Long(values.Count);
        foreach (var v in values) String(v);
        return this;
    }
}
