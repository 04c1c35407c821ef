using System.Buffers.Text;
using System.Text;

namespace KkboxNcf.Data;

/// <summary>Field-level parsing of UTF-8 spans, shared by the readers.</summary>
public static class Utf8Fields
{
    /// <summary>
    /// An integer field. Surrounding spaces and a trailing ".0" (files re-saved by pandas write
    /// integer columns with missing values as floats) are accepted; an empty field gives `empty`.
    /// </summary>
    public static bool TryParseInt(ReadOnlySpan<byte> field, int empty, out int value)
    {
        field = field.Trim((byte)' ');
        if (field.IsEmpty) { value = empty; return true; }
        if (field.Length > 2 && field.EndsWith(".0"u8)) field = field[..^2];
        return Utf8Parser.TryParse(field, out value, out int consumed) && consumed == field.Length;
    }

    public static bool TryParseLong(ReadOnlySpan<byte> field, out long value)
    {
        field = field.Trim((byte)' ');
        return Utf8Parser.TryParse(field, out value, out int consumed) && consumed == field.Length && !field.IsEmpty;
    }

    /// <summary>
    /// Splits a multi-valued field on '|' and trims ASCII spaces and tabs around each part (stray
    /// spaces such as "TEDDY|  FUTURE BOUNCE"); empty parts are dropped, so "" gives []. Non-breaking
    /// spaces are part of names and are kept.
    /// </summary>
    public static string[] SplitMulti(ReadOnlySpan<byte> field, StringPool pool)
    {
        if (field.IsEmpty) return [];
        int parts = field.Count((byte)'|') + 1;
        if (parts == 1)
        {
            var one = TrimAscii(field);
            return one.IsEmpty ? [] : [pool.Get(one)];
        }
        var result = new List<string>(parts);
        foreach (var range in field.Split((byte)'|'))
        {
            var part = TrimAscii(field[range]);
            if (!part.IsEmpty) result.Add(pool.Get(part));
        }
        return result.ToArray();
    }

    public static ReadOnlySpan<byte> TrimAscii(ReadOnlySpan<byte> s)
    {
        int a = 0, b = s.Length;
        while (a < b && (s[a] == (byte)' ' || s[a] == (byte)'\t')) a++;
        while (b > a && (s[b - 1] == (byte)' ' || s[b - 1] == (byte)'\t')) b--;
        return s[a..b];
    }

    public static string Text(ReadOnlySpan<byte> field) => field.IsEmpty ? "" : Encoding.UTF8.GetString(field);
}
