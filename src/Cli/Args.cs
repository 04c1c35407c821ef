namespace KkboxNcf.Cli;

/// <summary>Parsed "--name value" options, "--flag" switches and positional words.</summary>
public sealed class Args
{
    readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    readonly HashSet<string> _read = new(StringComparer.Ordinal);
    public List<string> Positional { get; } = new();

    public static Args Parse(IEnumerable<string> words)
    {
        var args = new Args();
        var list = words.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string w = list[i];
            if (w.StartsWith("--", StringComparison.Ordinal))
            {
                string name = w[2..];
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal)) value = list[++i];
                args._options[name] = value;
            }
            else args.Positional.Add(w);
        }
        return args;
    }

    public bool Has(string name) { _read.Add(name); return _options.ContainsKey(name); }

    public string? Get(string name) { _read.Add(name); return _options.GetValueOrDefault(name); }

    public string Get(string name, string fallback) => Get(name) ?? fallback;

    public string Required(string name) =>
        Get(name) ?? throw new UsageException($"--{name} is required");

    public long Long(string name, long fallback)
    {
        string? v = Get(name);
        if (v is null) return fallback;
        return long.TryParse(v, out long n) ? n : throw new UsageException($"--{name} must be an integer, got '{v}'");
    }

    public double Double(string name, double fallback)
    {
        string? v = Get(name);
        if (v is null) return fallback;
        return double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out double d)
            ? d : throw new UsageException($"--{name} must be a number, got '{v}'");
    }

    /// <summary>Fails on options nobody asked for (a typo must not be ignored silently).</summary>
    public void RejectUnknown()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option(s): {string.Join(", ", unknown.Select(k => "--" + k))}");
    }
}
