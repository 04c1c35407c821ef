using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KkboxNcf.Cli.Bench;

/// <summary>
/// bench-results/summary.md: one table of every benchmark (value, same-run reference, ratio,
/// target, met or missed) and the machine it ran on, including how loaded that machine was.
/// </summary>
public static class BenchSummary
{
    public static BenchResult Read(string path) =>
        JsonSerializer.Deserialize<BenchResult>(File.ReadAllText(path)) ?? throw new JsonException($"{path} is empty");

    /// <summary>summary.md from the NAME.json files already in the folder (a benchmark without one is "not run").</summary>
    public static string FromFiles(string dir)
    {
        var outcomes = BenchCommand.All.Select(b =>
        {
            string path = Path.Combine(dir, b.Name + ".json");
            if (!File.Exists(path)) return new BenchOutcome(b.Name, b.Description, null, $"not run (no {path})", double.NaN, null);
            try { return new BenchOutcome(b.Name, b.Description, Read(path), null, double.NaN, null); }
            catch (JsonException e) { return new BenchOutcome(b.Name, b.Description, null, $"{path} unreadable: {e.Message}", double.NaN, null); }
        }).ToList();
        return Write(dir, outcomes, $"the NAME.json files in {dir} (each from its own run; see 'measured')");
    }

    public static string Write(string dir, IReadOnlyList<BenchOutcome> outcomes, string source)
    {
        static string G(double v) => Math.Abs(v) >= 1000 ? v.ToString("N0", CultureInfo.InvariantCulture) : v.ToString("G4", CultureInfo.InvariantCulture);
        static string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ");
        var md = new StringBuilder();
        md.AppendLine("# Benchmark summary").AppendLine();
        md.AppendLine($"Written {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC from {source}.").AppendLine();
        md.AppendLine($"**Machine:** {Machine()}. Each reference is measured in the same run on the same machine, so the ratio holds " +
                      "better than the absolute value when the machine is shared; the load average (1, 5, 15 min) at each start says how busy it was: " +
                      $"above {Environment.ProcessorCount}, other work was competing for the cores.").AppendLine();
        md.AppendLine("| benchmark | value | same-run reference | reference value | ratio | target | result | measured | load at start | seconds |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var o in outcomes)
        {
            string seconds = double.IsNaN(o.Seconds) ? "" : o.Seconds.ToString("F0", CultureInfo.InvariantCulture);
            if (o.Result is not { } r)
            {
                string why = o.Failure!.StartsWith("not run", StringComparison.Ordinal) ? $"**not run**{Cell(o.Failure[7..])}" : $"**FAILED**: {Cell(o.Failure)}";
                md.AppendLine($"| {o.Name} | — | — | — | — | — | {why} | | {o.LoadAtStart ?? ""} | {seconds} |");
                continue;
            }
            md.AppendLine($"| {o.Name} | {G(r.Value)} {r.Unit} | {Cell(r.Reference)} | {G(r.ReferenceValue)} | {r.Ratio:F2} | {(r.HigherIsBetter ? "≥" : "≤")} {G(r.Target)} | " +
                          $"{(r.TargetMet ? "met" : "**missed**")} | {r.MeasuredAt:yyyy-MM-dd HH:mm} | {o.LoadAtStart ?? ""} | {seconds} |");
        }
        md.AppendLine();
        md.AppendLine("What each measures:").AppendLine();
        foreach (var o in outcomes) md.AppendLine($"- **{o.Name}**: {o.Description}.{(o.Result is { } r ? $" Ran on: {r.Machine}." : "")}");
        md.AppendLine();
        md.AppendLine("Every number with its details is in `NAME.json` beside this file; `./kkbox bench NAME` runs one again, `./kkbox bench all` all of them.");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "summary.md");
        File.WriteAllText(path, md.ToString());
        return path;
    }

    /// <summary>CPU model, cores, memory, OS and runtime.</summary>
    public static string Machine()
    {
        string cpu = "unknown CPU";
        if (File.Exists("/proc/cpuinfo"))
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        string memory = "";
        if (File.Exists("/proc/meminfo") && File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } m
            && long.TryParse(m.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out long kb))
            memory = $", {kb / 1024.0 / 1024:F0} GiB RAM";
        string os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? Environment.OSVersion.ToString()
            : Environment.OSVersion.ToString();
        return $"{cpu}, {Environment.ProcessorCount} cores{memory}, {os} (kernel {Environment.OSVersion.Version}), .NET {Environment.Version}";
    }

    /// <summary>The 1, 5 and 15 minute load averages ("" where /proc is absent).</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "";
}
