using System.Text;

namespace KkboxNcf.Data;

/// <summary>
/// Turns UTF-8 spans into strings, reusing one string per distinct value: ids and context names
/// repeat millions of times, so interning saves both the allocation and the memory of the copies.
/// Looks up by char span (Dictionary's alternate lookup), so a hit allocates nothing. Past Capacity
/// distinct values it stops adding and returns fresh strings. Not thread-safe: one per reader.
/// </summary>
public sealed class StringPool(int capacity = 1 << 20)
{
    const int StackChars = 512;
    readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    bool _hasLookup;

    public int Capacity { get; } = capacity;
    public int Count => _strings.Count;

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return "";
        if (utf8.Length > StackChars) return Encoding.UTF8.GetString(utf8);
        if (!_hasLookup) { _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>(); _hasLookup = true; }
        Span<char> chars = stackalloc char[StackChars];
        int n = Encoding.UTF8.GetChars(utf8, chars);
        var key = chars[..n];
        if (_lookup.TryGetValue(key, out var s)) return s;
        s = new string(key);
        if (_strings.Count < Capacity) _strings.Add(s, s);
        return s;
    }
}
