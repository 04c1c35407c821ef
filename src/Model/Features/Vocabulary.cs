namespace KkboxNcf.Model.Features;

/// <summary>
/// Maps raw ids (msno, song_id, artist name, ...) to embedding rows. Row 0 is the explicit unknown
/// row: missing values ("" or the literal "null") and, when the vocabulary is frozen, values never
/// seen. It grows as new values arrive, so the streaming Trainer can meet new members and songs.
/// </summary>
public sealed class Vocabulary
{
    public const int UnknownRow = 0;
    const string UnknownKey = "";

    readonly Dictionary<string, int> _rows = new(StringComparer.Ordinal);
    readonly List<string> _keys = [UnknownKey];

    public Vocabulary(string name) => Name = name;

    public string Name { get; }

    /// <summary>Rows in use, the unknown row included.</summary>
    public int Count => _keys.Count;

    /// <summary>Values that were asked for but mapped to the unknown row because the vocabulary was frozen.</summary>
    public long UnseenLookups { get; private set; }

    public static bool IsMissing(string raw) => raw.Length == 0 || raw == "null";

    /// <summary>The row of a value, adding it when new.</summary>
    public int GetOrAdd(string raw)
    {
        if (IsMissing(raw)) return UnknownRow;
        if (_rows.TryGetValue(raw, out int row)) return row;
        row = _keys.Count;
        _rows.Add(raw, row);
        _keys.Add(raw);
        return row;
    }

    /// <summary>The row of a value, or the unknown row (counted in UnseenLookups) when never seen.</summary>
    public int Lookup(string raw)
    {
        if (IsMissing(raw)) return UnknownRow;
        if (_rows.TryGetValue(raw, out int row)) return row;
        UnseenLookups++;
        return UnknownRow;
    }

    public bool Contains(string raw) => _rows.ContainsKey(raw);

    /// <summary>
    /// Gives a row to a new value, forgetting the value that had it (which then maps to the unknown
    /// row until it is added again): how the streaming Trainer recycles rows at its vocabulary cap.
    /// </summary>
    public void Reassign(int row, string raw)
    {
        if (row <= UnknownRow || row >= _keys.Count) throw new ArgumentOutOfRangeException(nameof(row), row, $"vocabulary '{Name}' has rows 1..{_keys.Count - 1}");
        if (IsMissing(raw)) throw new ArgumentException("a missing value belongs to the unknown row", nameof(raw));
        if (_rows.ContainsKey(raw)) throw new ArgumentException($"vocabulary '{Name}' already has '{raw}'", nameof(raw));
        _rows.Remove(_keys[row]);
        _keys[row] = raw;
        _rows.Add(raw, row);
    }

    public string KeyOf(int row) => _keys[row];

    public void Write(BinaryWriter w)
    {
        w.Write(Name);
        w.Write(_keys.Count - 1);
        for (int i = 1; i < _keys.Count; i++) w.Write(_keys[i]);
    }

    public static Vocabulary Read(BinaryReader r)
    {
        var v = new Vocabulary(r.ReadString());
        int n = r.ReadInt32();
        for (int i = 0; i < n; i++)
        {
            string key = r.ReadString();
            if (v.GetOrAdd(key) != i + 1) throw new InvalidDataException($"vocabulary '{v.Name}': duplicate or missing key at row {i + 1}");
        }
        return v;
    }
}
