using Microsoft.Extensions.Configuration;

namespace KkboxNcf.Hosting;

/// <summary>
/// Maps a service's command-line options (--data DIR) to configuration keys (Ingest:DataDirectory).
/// An option that is not in the map stops the service with a message naming it, instead of being
/// ignored; "--Section:Key value" passes any setting through unchanged.
/// </summary>
public static class CommandLineSwitches
{
    public static IConfigurationBuilder AddSwitches(this IConfigurationBuilder builder, string[] args,
        IReadOnlyDictionary<string, string> map, IReadOnlySet<string>? flags = null)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"unexpected argument '{arg}' (options start with --)");
            string name = arg[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }

            string key;
            if (map.TryGetValue(name, out var mapped)) key = mapped;
            else if (name.Contains(':')) key = name;
            else throw new ArgumentException(
                $"unknown option --{name}; options: {string.Join(", ", map.Keys.Order().Select(k => "--" + k))}");

            if (value is null)
            {
                if (flags?.Contains(name) == true) value = "true";
                else if (i + 1 < args.Length) value = args[++i];
                else throw new ArgumentException($"option --{name} needs a value");
            }
            values[key] = value;
        }
        return builder.AddInMemoryCollection(values);
    }
}
