using System.IO.Hashing;
using System.Text;

namespace KkboxNcf.Data;

/// <summary>
/// Turns UTF-8 spans into strings, reusing one string per distinct value: member ids and context
/// names repeat millions of times, so interning saves both the allocation and the memory of the
/// copies. The table is keyed by the UTF-8 bytes themselves (open addressing, linear probing), so a
/// hit neither decodes nor allocates: it hashes the bytes and compares them with the stored copy.
/// Past Capacity distinct values it stops adding and returns fresh strings. Not thread-safe: one
/// per reader.
/// </summary>
public sealed class StringPool(int capacity = 1 << 20)
{
    int[] _slots = NewSlots(64);
    byte[][] _keys = new byte[16][];
    string[] _values = new string[16];
    int[] _hashes = new int[16];
    int _count;

    public int Capacity { get; } = capacity;
    public int Count => _count;

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return "";
        // XxHash3 over the whole value: fast on short keys (HashCode.AddBytes measured 3x slower here).
        int hash = (int)XxHash3.HashToUInt64(utf8);
        int mask = _slots.Length - 1;
        int slot = hash & mask;
        while (true)
        {
            int i = _slots[slot];
            if (i < 0) break;
            if (_hashes[i] == hash && utf8.SequenceEqual(_keys[i])) return _values[i];
            slot = (slot + 1) & mask;
        }
        string s = Encoding.UTF8.GetString(utf8);
        if (_count < Capacity) Add(utf8.ToArray(), s, hash, slot);
        return s;
    }

    void Add(byte[] key, string value, int hash, int freeSlot)
    {
        if (_count == _keys.Length)
        {
            Array.Resize(ref _keys, _count * 2);
            Array.Resize(ref _values, _count * 2);
            Array.Resize(ref _hashes, _count * 2);
        }
        _keys[_count] = key;
        _values[_count] = value;
        _hashes[_count] = hash;
        _slots[freeSlot] = _count++;
        // Keep the table at most half full so probes stay short.
        if (_count * 2 > _slots.Length) Rehash(_slots.Length * 2);
    }

    void Rehash(int size)
    {
        _slots = NewSlots(size);
        int mask = size - 1;
        for (int i = 0; i < _count; i++)
        {
            int slot = _hashes[i] & mask;
            while (_slots[slot] >= 0) slot = (slot + 1) & mask;
            _slots[slot] = i;
        }
    }

    static int[] NewSlots(int size)
    {
        var slots = new int[size];
        Array.Fill(slots, -1);
        return slots;
    }
}
