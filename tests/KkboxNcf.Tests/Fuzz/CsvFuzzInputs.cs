using System.Text;
using KkboxNcf.Data;

namespace KkboxNcf.Tests.Fuzz;

/// <summary>
/// Valid rows of the five KKBOX files and the ways real-world damage and hostile input mutate them:
/// bit flips, truncation, splices of two rows, invalid UTF-8, NULs, stray or unterminated quotes,
/// wrong column counts, wrong types, and (on request) fields of megabytes. Seeded: a failure replays.
/// </summary>
public sealed class CsvFuzzInputs(int seed)
{
    static readonly string[] Tabs = ["my library", "discover", "search", "radio", "null", "", "listen with"];
    static readonly string[] Screens = ["Local playlist more", "Online playlist more", "", "Radio", "Discover Feature"];
    static readonly string[] Types = ["local-library", "online-playlist", "radio", "", "song-based-playlist"];
    static readonly string[] Names = ["周杰倫 (Jay Chou)", "TEDDY|  FUTURE BOUNCE|  Bekuh BOOM", "BIGBANG 빅뱅", "a, b and \"c\"", "\u00a0Nbsp\u00a0", "line\nbreak", ""];
    static readonly string[] BadNumbers = ["abc", "1e5", "99999999999", "-", "0x10", "1.5", "١٢٣", "NaN", "--1", " 1 2 "];
    static readonly byte[][] BadUtf8 =
    [
        [0xFF], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE4, 0xB8], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xF0, 0x9F, 0x98],
    ];
    static readonly byte[] Specials = [0, (byte)'"', (byte)',', (byte)'\r', (byte)'\n', (byte)'|', 0xFF, (byte)' ', 0x1B];

    readonly Random _random = new(seed);

    public Random Random => _random;

    /// <summary>One valid data row of the file, CSV-encoded (no line break).</summary>
    public byte[] ValidRow(KkboxFileSchema schema)
    {
        string[] fields = schema.FileName switch
        {
            "train.csv" => [Id(), Id(), Pick(Tabs), Pick(Screens), Pick(Types), _random.Next(2).ToString()],
            "test.csv" => [_random.Next(0, 3_000_000).ToString(), Id(), Id(), Pick(Tabs), Pick(Screens), Pick(Types)],
            "songs.csv" => [Id(), _random.Next(-1, 600_000).ToString(), Genres(), Pick(Names), Pick(Names), Pick(Names), Pick(["3", "-1", "52", "", "17.0"])],
            "members.csv" => [Id(), _random.Next(1, 23).ToString(), _random.Next(-40, 1000).ToString(), Pick(["male", "female", ""]),
                _random.Next(3, 14).ToString(), Date(), Date()],
            "song_extra_info.csv" => [Id(), Pick(Names), Pick(["TWUM71200043", "", "KRA381601018", "x"])],
            _ => throw new ArgumentException(schema.FileName),
        };
        return Encoding.UTF8.GetBytes(string.Join(',', fields.Select(Quote)));
    }

    /// <summary>A valid row changed in one of many ways; the result may or may not still be valid.</summary>
    public byte[] Mutate(byte[] row, KkboxFileSchema schema, byte[] other)
    {
        var r = _random;
        switch (r.Next(12))
        {
            case 0: // bit flips
            {
                var copy = (byte[])row.Clone();
                for (int n = r.Next(1, 4); n > 0 && copy.Length > 0; n--) copy[r.Next(copy.Length)] ^= (byte)(1 << r.Next(8));
                return copy;
            }
            case 1: return row[..r.Next(row.Length + 1)]; // truncation
            case 2: return [.. row[..r.Next(row.Length + 1)], .. other[r.Next(other.Length + 1)..]]; // splice of two rows
            case 3: return Insert(row, Pick(BadUtf8));
            case 4: return Insert(row, [Specials[r.Next(Specials.Length)]]);
            case 5: return Insert(row, [0, 0, 0]);
            case 6: // a column too many or too few
                return r.Next(2) == 0 ? [.. row, (byte)',', .. "extra"u8] : DropColumn(row);
            case 7: return ReplaceField(row, Encoding.UTF8.GetBytes(Pick(BadNumbers))); // wrong type
            case 8: return Insert(row, [(byte)'"']); // a stray or unterminated quote
            case 9: return ReplaceField(row, [(byte)'"', .. "never closed"u8]);
            case 10: // random bytes
            {
                var bytes = new byte[r.Next(0, 80)];
                r.NextBytes(bytes);
                return bytes;
            }
            default: return ReplaceField(row, []); // an empty field (a missing key when it is the first)
        }
    }

    /// <summary>A field of the given size in bytes (ASCII letters, some multi-byte text), for rows of megabytes.</summary>
    public byte[] HugeField(int bytes)
    {
        var field = new byte[bytes];
        for (int i = 0; i < bytes; i++) field[i] = (byte)('a' + i % 26);
        "周"u8.CopyTo(field.AsSpan(bytes / 2));
        return field;
    }

    public byte[] ReplaceField(byte[] row, byte[] value)
    {
        var parts = Split(row);
        parts[_random.Next(parts.Count)] = value;
        return Join(parts);
    }

    byte[] DropColumn(byte[] row)
    {
        var parts = Split(row);
        if (parts.Count > 0) parts.RemoveAt(_random.Next(parts.Count));
        return Join(parts);
    }

    byte[] Insert(byte[] row, byte[] what)
    {
        int at = _random.Next(row.Length + 1);
        return [.. row[..at], .. what, .. row[at..]];
    }

    // Splits on every comma, quoted or not: mutations do not need to respect quoting.
    static List<byte[]> Split(byte[] row)
    {
        var parts = new List<byte[]>();
        int start = 0;
        for (int i = 0; i <= row.Length; i++)
            if (i == row.Length || row[i] == (byte)',') { parts.Add(row[start..i]); start = i + 1; }
        return parts;
    }

    static byte[] Join(List<byte[]> parts)
    {
        var result = new List<byte>();
        for (int i = 0; i < parts.Count; i++)
        {
            if (i > 0) result.Add((byte)',');
            result.AddRange(parts[i]);
        }
        return result.ToArray();
    }

    static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    string Id()
    {
        Span<byte> raw = stackalloc byte[32];
        _random.NextBytes(raw);
        return Convert.ToBase64String(raw);
    }

    string Genres() => _random.Next(4) switch
    {
        0 => "",
        1 => "465",
        2 => "465|958",
        _ => "1609| 2022 |",
    };

    string Date() => $"{_random.Next(2004, 2021)}{_random.Next(1, 13):D2}{_random.Next(1, 29):D2}";

    T Pick<T>(T[] values) => values[_random.Next(values.Length)];
}
