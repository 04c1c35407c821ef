using System.Text;

namespace KkboxNcf.Data.Synth;

/// <summary>
/// Names in the scripts the real files carry (Latin, Chinese, Korean, Japanese). A pool name is a
/// bijection of its index in its script, so a pool of n names has exactly n distinct names; a few
/// are joined with a second name by '|' (with the stray spaces of the real files) or by another
/// separator, and a few carry a non-breaking space.
/// </summary>
public static class NameMaker
{
    public enum Script { Latin, Han, Hangul, Kana }

    static readonly string[] Syllables =
    [
        "ka", "lo", "mi", "re", "nu", "sa", "to", "vi", "da", "el", "ri", "an", "jo", "be", "ma", "ki",
        "sol", "ter", "lin", "mar", "ven", "dor", "ash", "kel", "fin", "gar", "hol", "zen", "cor", "bri", "tam", "wil",
        "na", "po", "qui", "ru", "se", "ty", "ul", "xa", "yo", "ze", "la", "mo", "ne", "pi", "ro", "su",
        "ba", "ce", "di", "fa", "go", "hu", "ja", "ko", "le", "mu", "ni", "ox", "pa", "qu", "ra", "si",
    ];

    // 256 common Han characters, 256 spread Hangul syllables, 64 katakana.
    static readonly string Han =
        "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式";

    public static string Name(int index, int digits, Script script, bool nbsp = false)
    {
        var sb = new StringBuilder(16);
        AppendName(sb, index, digits, script, nbsp);
        return sb.ToString();
    }

    public static void AppendName(StringBuilder sb, int index, int digits, Script script, bool nbsp)
    {
        uint x = (uint)index;
        char space = nbsp ? '\u00A0' : ' ';
        switch (script)
        {
            case Script.Latin:
                for (int d = 0; d < digits; d++)
                {
                    string syl = Syllables[x & 63];
                    x >>= 6;
                    if (d == digits / 2) sb.Append(space);
                    if (d == 0 || d == digits / 2) { sb.Append(char.ToUpperInvariant(syl[0])); sb.Append(syl, 1, syl.Length - 1); }
                    else sb.Append(syl);
                }
                break;
            case Script.Han:
                for (int d = 0; d < (digits * 3 + 3) / 4; d++) { sb.Append(Han[(int)(x % (uint)Han.Length)]); x /= (uint)Han.Length; }
                if (nbsp) sb.Append('\u00A0').Append('乐');
                break;
            case Script.Hangul:
                for (int d = 0; d < (digits * 3 + 3) / 4; d++) { sb.Append((char)(0xAC00 + (x & 255) * 43)); x >>= 8; }
                if (nbsp) sb.Append('\u00A0').Append('밴');
                break;
            case Script.Kana:
                for (int d = 0; d < digits; d++) { sb.Append((char)(0x30A2 + (x & 63))); x >>= 6; }
                if (nbsp) sb.Append('\u00A0').Append('ズ');
                break;
        }
    }

    /// <summary>Base-64 digits a pool of n names needs (Han and Hangul use 256-letter alphabets, fewer letters).</summary>
    public static int DigitsFor(int n)
    {
        int d = 2;
        while ((1L << (6 * d)) < n) d++;
        return d;
    }

    public static Script ScriptOf(string country, ref Rng rng) => country switch
    {
        "TW" or "CN" or "HK" or "SG" or "MO" => rng.Chance(0.85) ? Script.Han : Script.Latin,
        "KR" => rng.Chance(0.8) ? Script.Hangul : Script.Latin,
        "JP" => rng.Chance(0.7) ? Script.Kana : Script.Han,
        _ => Script.Latin,
    };

    /// <summary>
    /// A pool entry as written in the file: the unique name, sometimes joined with another name by
    /// '|' with stray spaces (~multiRate) or by a separator that is not a field separator ('/', '、', '&').
    /// </summary>
    public static string PoolEntry(int index, int poolSize, string country, double multiRate, ref Rng rng)
    {
        int digits = DigitsFor(poolSize);
        var script = ScriptOf(country, ref rng);
        var sb = new StringBuilder(32);
        AppendName(sb, index, digits, script, rng.Chance(0.004));
        if (rng.Chance(multiRate))
        {
            int parts = rng.Chance(0.8) ? 1 : 2;
            for (int p = 0; p < parts; p++)
            {
                sb.Append(rng.Next(4) switch { 0 => "|", 1 => "| ", 2 => "|  ", _ => " | " });
                AppendName(sb, rng.Next(poolSize), digits, script, false);
            }
        }
        else if (rng.Chance(0.01))
        {
            sb.Append(rng.Next(3) switch { 0 => "/", 1 => "、", _ => " & " });
            AppendName(sb, rng.Next(poolSize), digits, script, false);
        }
        return sb.ToString();
    }

    /// <summary>A song title; a few have commas, quotes, a non-breaking space, or (very rarely) a line break: the writer must quote them.</summary>
    public static string SongTitle(ref Rng rng, Script script)
    {
        var sb = new StringBuilder(24);
        int words = 1 + rng.Next(3);
        for (int w = 0; w < words; w++)
        {
            if (w > 0) sb.Append(script == Script.Latin ? ' ' : rng.Chance(0.3) ? ' ' : "");
            AppendName(sb, rng.Next(1 << 18), script == Script.Latin ? 2 : 3, script, false);
        }
        double q = rng.NextDouble();
        if (q < 0.02) sb.Append(", ").Append(Syllables[rng.Next(64)]);
        else if (q < 0.025) sb.Insert(0, '"').Append("\" (Live)");
        else if (q < 0.03) sb.Append('\u00A0').Append("(feat. ").Append(Syllables[rng.Next(64)]).Append(')');
        else if (q < 0.03002) sb.Append('\n').Append("Part 2");
        return sb.ToString();
    }
}
