using System.Text;

namespace KkboxNcf.Data;

/// <summary>
/// Turns UTF-8 spans into strings, reusing one string per distinct value: member ids and context
/// names repeat millions of times, so interning saves both the allocation and the memory of the
/// copies. Looks up by char span (Dictionary's alternate lookup), so a hit allocates nothing. Past
/// Capacity distinct values it stops adding and returns fresh strings. For small value sets (tab,
/// screen, type) a direct-mapped cache of recent byte values answers before the dictionary, which
/// makes a hit a short byte comparison. Not thread-safe: one per reader.
/// </summary>
public sealed class StringPool(int capacity = 1 << 20, bool smallSet = false)
{
    const int StackChars = 512;
    const int Slots = 256;

    readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    readonly byte[]?[] _slotBytes = smallSet ? new byte[Slots][] : [];
    readonly string?[] _slotStrings = smallSet ? new string[Slots] : [];
    Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    bool _hasLookup;

    public int Capacity { get; } = capacity;
    public int Count => _strings.Count;

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return "";
        if (utf8.Length > StackChars) return Encoding.UTF8.GetString(utf8);
        if (_slotBytes.Length == 0) return Lookup(utf8);
        int slot = (utf8.Length * 31 + utf8[0] * 7 + utf8[^1] * 13 + utf8[utf8.Length >> 1]) & (Slots - 1);
        var cached = _slotBytes[slot];
        if (cached is not null && utf8.SequenceEqual(cached)) return _slotStrings[slot]!;
        string s = Lookup(utf8);
        _slotBytes[slot] = utf8.ToArray();
        _slotStrings[slot] = s;
        return s;
    }

    string Lookup(ReadOnlySpan<byte> utf8)
    {
        if (!_hasLookup) { _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>(); _hasLookup = true; }
        // Sized to the value (a UTF-8 byte count bounds the char count): stackalloc zero-fills, so a fixed 512 would cost more than the lookup.
        Span<char> chars = stackalloc char[utf8.Length];
        int n = Encoding.UTF8.GetChars(utf8, chars);
        var key = chars[..n];
        if (_lookup.TryGetValue(key, out var s)) return s;
        s = new string(key);
        if (_strings.Count < Capacity) _strings.Add(s, s);
        return s;
    }
}
