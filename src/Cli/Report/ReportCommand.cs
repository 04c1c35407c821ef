using System.Text.Json;
using System.Text.Json.Serialization;

namespace KkboxNcf.Cli.Report;

/// <summary>
/// `kkbox report`: one self-contained HTML page (report.html) comparing the offline models with the
/// online run, with the same numbers in report.json and report.md (charts also as charts/*.svg).
/// Every input is optional; a missing one makes its section say so.
/// </summary>
public sealed class ReportCommand : ICommand
{
    public string[] Words => ["report"];

    public string Usage => "report [--offline DIR] [--online FILE-or-DIR[,FILE-or-DIR...]] [--data DIR] [--out DIR]\n" +
        "      --offline  the folder `kkbox offline --out` wrote (metrics.json)\n" +
        "      --online   the Trainer's metrics.jsonl and the Scorer's metrics file, or folders holding *.jsonl (comma-separated)\n" +
        "      --data     the KKBOX folder that was replayed (best reachable AUC when it is generated)\n" +
        "      --out      where report.html, report.json, report.md and charts/ go (default reports/report)";

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public Task<int> RunAsync(Args args, CancellationToken ct)
    {
        var online = (args.Get("online") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var options = new ReportOptions(args.Get("offline"), online, args.Get("data"), args.Get("out", Path.Combine("reports", "report")));
        args.RejectUnknown();
        if (options.Offline is null && online.Length == 0 && options.Data is null)
            throw new UsageException("give at least one of --offline, --online, --data");

        ReportData data;
        try { data = ReportBuilder.Build(options, DateTimeOffset.UtcNow); }
        catch (ReportInputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Task.FromResult(1);
        }
        var charts = ReportCharts.Draw(data);
        string chartDir = Path.Combine(options.OutDir, "charts");
        Directory.CreateDirectory(chartDir);
        foreach (var old in Directory.GetFiles(chartDir, "*.svg")) File.Delete(old);
        foreach (var c in charts) File.WriteAllText(Path.Combine(chartDir, c.Id + ".svg"), c.Svg);
        File.WriteAllText(Path.Combine(options.OutDir, "report.html"), HtmlPage.Render(data, charts));
        File.WriteAllText(Path.Combine(options.OutDir, "report.md"), MarkdownPage.Render(data, charts));
        File.WriteAllText(Path.Combine(options.OutDir, "report.json"), JsonSerializer.Serialize(data, Json));

        foreach (var line in data.Reading) Console.WriteLine($"- {line}");
        Console.WriteLine($"wrote {Path.Combine(options.OutDir, "report.html")} ({charts.Count} charts), report.json and report.md");
        return Task.FromResult(0);
    }
}
