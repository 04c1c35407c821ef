using System.Text.Json;
using System.Text.RegularExpressions;
using KkboxNcf.Tests.Data;

namespace KkboxNcf.Tests.Report;

/// <summary>
/// `kkbox report` end to end on small fixture inputs: the page is self-contained, every section is
/// filled, the numbers agree with report.json, and headless Chromium renders every chart with
/// plotted data (not an empty frame).
/// </summary>
public class ReportPageTests
{
    static readonly string[] ExpectedCharts =
    [
        "offline_rmse_mae", "offline_accuracy_top10", "offline_precision_top10", "offline_recall_top10", "offline_f1_top10", "offline_auc_top10",
        "offline_auc_top50", "online_auc", "online_member_auc", "online_log_loss", "online_latency", "served_hit_rate", "served_vs_shadow", "freshness_quantiles",
    ];

    static (int ExitCode, string Output) Report(params string[] args) =>
        TestInfra.Run("dotnet", [TestInfra.Dll("Cli"), "report", .. args]);

    [Fact]
    public void FullReportRendersEveryChartInChromium()
    {
        using var dir = new TempDir();
        string data = ReportFixture.Data(dir.Path);
        string offline = ReportFixture.Offline(dir.Path, data);
        string trainer = ReportFixture.TrainerMetrics(dir.Path);
        string scorer = ReportFixture.ScorerMetrics(dir.Path);
        string outDir = dir.File("report");
        var run = Report("--offline", offline, "--online", $"{trainer},{scorer}", "--data", data, "--out", outDir);
        Assert.True(run.ExitCode == 0, run.Output);

        string html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        // self-contained: nothing fetched from elsewhere, no scripts
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex(@"(src|href)\s*=\s*""(https?:)?//", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("url(", html);
        Assert.DoesNotContain("Not available", html);   // every input was given
        Assert.DoesNotContain("Caution", html);         // the offline results come from the same data folder
        foreach (string id in ExpectedCharts) Assert.Contains($"data-chart=\"{id}\"", html);
        Assert.Equal(Regex.Matches(html, "data-chart=").Count, Regex.Matches(html, "<svg").Count);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")));
        var root = json.RootElement;
        var online = root.GetProperty("online");
        Assert.True(online.GetProperty("first_pass_complete").GetBoolean());
        Assert.Equal(ReportFixture.FirstPassAuc, online.GetProperty("at_first_pass").GetProperty("auc").GetDouble(), 6);
        Assert.Equal(ReportFixture.HitRateAtK, root.GetProperty("served").GetProperty("hit_rate_at_k").GetDouble(), 6);
        Assert.Equal(1, root.GetProperty("sources").GetProperty("metrics_lines_skipped").GetInt64());
        Assert.InRange(root.GetProperty("truth").GetProperty("stream").GetProperty("best_auc").GetDouble(), 0.6, 0.95);
        var reading = root.GetProperty("reading").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.Contains(reading, r => r.Contains("0.7012") && r.Contains("Cumulative AUC after the first pass"));
        Assert.Contains(reading, r => r.Contains("could not be read") && r.Contains("trainer-metrics.jsonl:23"));
        // served against the shadow popular list of the same listens: 0.031 / 0.0124
        Assert.Equal(ReportFixture.ShadowPopularHitRateAtK, root.GetProperty("served").GetProperty("shadow_popular_hit_rate_at_k").GetDouble(), 6);
        Assert.Contains(reading, r => r.Contains("served / shadow popular = 2.50") && r.Contains("at least twice as often"));
        // the page and the markdown carry the same reading
        foreach (string line in reading) Assert.Contains(System.Net.WebUtility.HtmlEncode(line), html);
        string md = File.ReadAllText(Path.Combine(outDir, "report.md"));
        foreach (string line in reading) Assert.Contains(line, md);

        // where each chart lands: the same page with a probe that writes the charts' boxes into the DOM
        string probe = Path.Combine(outDir, "probe.html");
        File.WriteAllText(probe, html.Replace("</body>", """
            <script>
            const box = e => { const b = e ? e.getBoundingClientRect() : { left: 0, top: -window.scrollY, width: 0, height: 0 }; return [b.left, b.top + window.scrollY, b.width, b.height]; };
            const rows = [...document.querySelectorAll('figure[data-chart] svg')].map(s =>
              [s.parentElement.dataset.chart, ...box(s), ...box(s.querySelector('g.plot-data'))].map(v => typeof v === 'number' ? Math.round(v) : v).join(' '));
            const pre = document.createElement('pre'); pre.id = 'probe';
            pre.textContent = rows.join('\n') + '\npage ' + Math.ceil(document.querySelector('main').getBoundingClientRect().bottom + window.scrollY);
            document.body.appendChild(pre);
            </script></body>
            """));
        const int width = 1280;
        string dom = Chromium.DumpDom(probe, width, 16000);
        var probeText = Regex.Match(dom, "<pre id=\"probe\">([^<]*)</pre>").Groups[1].Value;
        var lines = probeText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int pageHeight = int.Parse(lines[^1].Split(' ')[1]);
        var boxes = lines[..^1].Select(l => l.Split(' ')).ToDictionary(p => p[0], p => p[1..].Select(int.Parse).ToArray());
        Assert.Equal(ExpectedCharts.Order(), boxes.Keys.Intersect(ExpectedCharts).Order());
        Assert.InRange(pageHeight, 1000, 15000);

        string png = Path.Combine(outDir, "screenshot.png");
        Chromium.Screenshot(Path.Combine(outDir, "report.html"), png, width, pageHeight);
        // kept for a person to look at (artifacts/ is not committed)
        string kept = Path.Combine(TestInfra.RepoRoot, "artifacts", "report-test");
        Directory.CreateDirectory(kept);
        File.Copy(png, Path.Combine(kept, "screenshot.png"), overwrite: true);
        File.Copy(Path.Combine(outDir, "report.html"), Path.Combine(kept, "report.html"), overwrite: true);
        var image = PngImage.Read(png);
        Assert.Equal(width, image.Width);

        // the page is not blank: a good share of it is text, lines and colour
        Assert.True(Share(image, 0, 0, image.Width, image.Height, IsInk) > 0.02, "the page is (nearly) blank");
        foreach (var (id, b) in boxes)
        {
            Assert.True(b[2] > 100 && b[3] > 100, $"chart {id} is {b[2]}x{b[3]} px");
            Assert.True(b[1] + b[3] <= image.Height, $"chart {id} lies below the screenshot");
            // drawn: axes and text in the chart
            double ink = Share(image, b[0], b[1], b[2], b[3], IsInk);
            Assert.True(ink > 0.01, $"chart {id} is empty ({ink:P2} ink)");
            // plotted: the data group (lines, bars, boxes; not the legend) has an extent and shows series colour
            // (widened by the stroke, which the geometry box leaves out: a flat line has height 0)
            Assert.True(b[6] + b[7] > 0, $"chart {id} has nothing in its data group");
            long colour = Count(image, b[4] - 3, b[5] - 3, b[6] + 6, b[7] + 6, IsColour);
            Assert.True(colour > 150, $"chart {id} shows no plotted data ({colour} coloured pixels in its data area)");
        }
    }

    [Fact]
    public void MissingInputsSaySoInsteadOfDrawingEmptyCharts()
    {
        using var dir = new TempDir();
        string data = ReportFixture.Data(dir.Path);
        string offline = ReportFixture.Offline(dir.Path, data);
        string outDir = dir.File("report");
        var run = Report("--offline", offline, "--out", outDir);
        Assert.True(run.ExitCode == 0, run.Output);
        string html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.Contains("No online run was given", html);
        Assert.Contains("No Scorer metrics were given", html);
        Assert.Contains("No data folder was given", html);
        Assert.DoesNotContain("data-chart=\"online_", html);
        Assert.DoesNotContain("data-chart=\"served_", html);
        Assert.Contains("data-chart=\"offline_auc_top10\"", html);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("online").ValueKind);
        Assert.True(json.RootElement.GetProperty("missing").TryGetProperty("online", out _));

        // a real-data folder (no truth files) says why there is no best reachable AUC
        File.Delete(Path.Combine(data, "train_truth.csv"));
        run = Report("--data", data, "--out", outDir);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("real KKBOX data, whose best reachable AUC nobody knows", File.ReadAllText(Path.Combine(outDir, "report.html")));
    }

    [Fact]
    public void OfflineResultsOfOtherDataAreFlagged()
    {
        using var dir = new TempDir();
        string offlineData = ReportFixture.Data(Path.Combine(dir.Path, "a"));
        string offline = ReportFixture.Offline(dir.Path, offlineData);
        string sameContent = ReportFixture.Data(Path.Combine(dir.Path, "b"));
        string outDir = dir.File("report");

        var run = Report("--offline", offline, "--data", sameContent, "--out", outDir);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("byte for byte", run.Output);
        Assert.DoesNotContain("Caution", run.Output);

        File.AppendAllText(Path.Combine(sameContent, "train.csv"), "m1,s1,discover,Discover Feature,online-playlist,1\n");
        File.AppendAllText(Path.Combine(sameContent, "train_truth.csv"), $"{ReportFixture.Listens + 1},0.5\n");
        run = Report("--offline", offline, "--data", sameContent, "--out", outDir);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Caution", run.Output);
        Assert.Contains("differs", run.Output);
    }

    [Fact]
    public void BadInputsFailNamingTheFile()
    {
        using var dir = new TempDir();
        string notMetrics = dir.Write("metrics.json", "{\"hello\": 1}");
        var run = Report("--offline", notMetrics, "--out", dir.File("out"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("metrics.json", run.Output);
        run = Report("--online", dir.File("nowhere.jsonl"), "--out", dir.File("out"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nowhere.jsonl", run.Output);
        Assert.Equal(2, Report("--out", dir.File("out")).ExitCode);           // nothing to report
        Assert.Equal(2, Report("--ofline", dir.Path).ExitCode);                // a typo is not ignored
    }

    static bool IsInk((byte R, byte G, byte B) p) => p.R < 235 || p.G < 235 || p.B < 235;

    static bool IsColour((byte R, byte G, byte B) p) => Math.Max(p.R, Math.Max(p.G, p.B)) - Math.Min(p.R, Math.Min(p.G, p.B)) > 60;

    static long Count(PngImage image, int x0, int y0, int w, int h, Func<(byte, byte, byte), bool> test)
    {
        long n = 0;
        for (int y = Math.Max(0, y0); y < Math.Min(image.Height, y0 + h); y++)
            for (int x = Math.Max(0, x0); x < Math.Min(image.Width, x0 + w); x++)
                if (test(image[x, y])) n++;
        return n;
    }

    static double Share(PngImage image, int x0, int y0, int w, int h, Func<(byte, byte, byte), bool> test) =>
        (double)Count(image, x0, y0, w, h, test) / Math.Max(1, (long)w * h);
}
