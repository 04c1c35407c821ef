using KkboxNcf.Model.Metrics;
using System.Globalization;
using System.Net;
using System.Text;

namespace KkboxNcf.Cli.Report;

/// <summary>
/// The report as one self-contained HTML page: inline CSS, charts as inline SVG, no scripts, no
/// fonts or images from elsewhere, so it opens from disk anywhere.
/// </summary>
public static class HtmlPage
{
    const string Css = """
        body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; color: #222; background: #fafafa; margin: 0; }
        main { max-width: 1240px; margin: 0 auto; padding: 16px 20px 40px; }
        h1 { font-size: 26px; margin: 8px 0 4px; }
        h2 { font-size: 20px; margin: 28px 0 8px; border-bottom: 2px solid #0072B2; padding-bottom: 4px; }
        p.meta { color: #555; margin: 0 0 12px; font-size: 13px; }
        ul.reading { background: #fff; border-left: 4px solid #0072B2; padding: 10px 14px 10px 32px; margin: 8px 0; }
        ul.reading li { margin: 4px 0; line-height: 1.4; }
        table { border-collapse: collapse; background: #fff; margin: 8px 0 12px; font-size: 13px; }
        th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        th { background: #eef3f8; }
        tr.truth td { color: #555; font-style: italic; }
        .grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px; }
        .boxes { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 8px; margin-bottom: 8px; }
        figure { margin: 0; background: #fff; border: 1px solid #e2e2e2; padding: 6px; }
        figure svg { width: 100%; height: auto; display: block; }
        figcaption { font-size: 12px; color: #555; margin-top: 4px; }
        .missing { background: #fff4e5; border: 1px solid #f0c36d; padding: 10px 14px; margin: 8px 0; }
        .note { font-size: 12px; color: #555; }
        footer { margin-top: 32px; font-size: 12px; color: #666; }
        """;

    static string E(string s) => WebUtility.HtmlEncode(s);
    static string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F4", CultureInfo.InvariantCulture) : "n/a";
    static string P(double? v) => v is { } x && double.IsFinite(x) ? (x * 100).ToString(x < 0.1 ? "F2" : "F1", CultureInfo.InvariantCulture) + "%" : "n/a";
    static string Ms(double? v) => v is { } x ? x.ToString(x < 10 ? "0.0" : "N0", CultureInfo.InvariantCulture) + " ms" : "n/a";

    public static string Render(ReportData d, IReadOnlyList<ReportChart> charts)
    {
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        h.Append("<title>KkboxNcf report: offline and online</title><style>").Append(Css).Append("</style></head><body><main>");
        h.Append("<h1>KkboxNcf: offline versus online</h1>");
        h.Append($"<p class=\"meta\">Generated {d.GeneratedAt:yyyy-MM-dd HH:mm:ss} UTC. Offline results: {E(d.Sources.Offline ?? "none")}; " +
                 $"online metrics: {E(d.Sources.MetricsFiles.Count == 0 ? "none" : string.Join(", ", d.Sources.MetricsFiles))}; data: {E(d.Sources.Data ?? "none")}. " +
                 "The same numbers are in report.json and report.md beside this page.</p>");

        h.Append("<h2 id=\"reading\">Reading</h2><ul class=\"reading\">");
        foreach (var line in d.Reading) h.Append("<li>").Append(E(line)).Append("</li>");
        h.Append("</ul>");

        Offline(h, d, charts);
        Online(h, d, charts);
        Served(h, d, charts);
        Freshness(h, d, charts);
        Truth(h, d);

        h.Append($"<footer>Rendered on {Environment.ProcessorCount} cores, {E(Environment.OSVersion.ToString())}. Latencies and throughput depend on the machine and on " +
                 "what else ran on it; quality metrics do not. AUC differences below 0.01 are read as agreement.</footer>");
        h.Append("</main></body></html>");
        return h.ToString();
    }

    static void Missing(StringBuilder h, ReportData d, string key)
    {
        if (d.Missing.TryGetValue(key, out var why)) h.Append("<div class=\"missing\"><strong>Not available.</strong> ").Append(E(why)).Append("</div>");
    }

    static void Figures(StringBuilder h, IEnumerable<ReportChart> charts, string cls = "grid")
    {
        var list = charts.ToList();
        if (list.Count == 0) return;
        h.Append($"<div class=\"{cls}\">");
        foreach (var c in list)
        {
            h.Append($"<figure id=\"chart-{c.Id}\" data-chart=\"{c.Id}\">").Append(c.Svg);
            if (c.Caption.Length > 0) h.Append("<figcaption>").Append(E(c.Caption)).Append("</figcaption>");
            h.Append("</figure>");
        }
        h.Append("</div>");
    }

    static void Offline(StringBuilder h, ReportData d, IReadOnlyList<ReportChart> charts)
    {
        h.Append("<h2 id=\"offline\">Offline: every model on the held-out test rows</h2>");
        Missing(h, d, "offline");
        if (d.Offline is not { Models.Count: > 0 } o) return;
        double? best = o.BestReachable?.Test.Auc;
        h.Append($"<p class=\"note\">{(o.Split == "time" ? "Time-ordered split (row order is the clock)" : "Random split (the seed's; leaks the future)")}: " +
                 $"train {o.Examples.Train:N0}, validation {o.Examples.Valid:N0}, test {o.Examples.Test:N0} labelled listens. " +
                 "Gap closed = (AUC − 0.5) / (best reachable − 0.5).</p>");
        h.Append("<table><tr><th>model</th><th>ROC AUC</th><th>gap closed</th><th>mean member AUC</th><th>members with AUC</th><th>log loss</th><th>RMSE</th><th>MAE</th><th>train s</th></tr>");
        foreach (var m in o.Models.Concat(o.BestReachable is { } t ? [t] : Array.Empty<OfflineModel>()))
        {
            bool truth = m == o.BestReachable;
            string gap = best is { } b && !truth ? P((m.Test.Auc - 0.5) / (b - 0.5)) : "";
            h.Append($"<tr{(truth ? " class=\"truth\"" : "")}><td>{E(truth ? "truth (best reachable)" : m.Name)}</td><td>{F(m.Test.Auc)}</td><td>{gap}</td><td>{F(m.Test.MeanMemberAuc)}</td>" +
                     $"<td>{m.Test.MembersWithAuc:N0} / {m.Test.Members:N0}</td><td>{F(m.Test.LogLoss)}</td><td>{F(m.Test.Rmse)}</td><td>{F(m.Test.Mae)}</td><td>{(truth ? "" : m.TrainSeconds.ToString("F0", CultureInfo.InvariantCulture))}</td></tr>");
        }
        h.Append("</table>");
        foreach (int k in o.Models[0].Test.TopK.Keys.Order())
        {
            h.Append($"<table><tr><th>top {k}: mean over members</th>");
            foreach (string metric in TopKSummary.MetricNames) h.Append($"<th>{ReportCharts.MetricTitle(metric)}</th>");
            h.Append("</tr>");
            foreach (var m in o.Models)
            {
                h.Append($"<tr><td>{E(m.Name)}</td>");
                foreach (string metric in TopKSummary.MetricNames) h.Append($"<td>{(m.Test.TopK.TryGetValue(k, out var tk) ? F(tk[metric].Mean) : "n/a")}</td>");
                h.Append("</tr>");
            }
            h.Append("</table>");
        }
        Figures(h, charts.Where(c => c.Section == "offline"));
        h.Append("<p class=\"note\">Per-member distributions (the seed's Figs. 3 and 4): boxes span the quartiles, the thick line is the median, the diamond the mean, whiskers reach the lowest and highest member " +
                 "(metrics.json keeps quartiles, not every member's value). Members whose top k hold one class have no AUC and are left out of the AUC boxes.</p>");
        // one row per k: the five metrics side by side
        foreach (var row in charts.Where(c => c.Section == "offline-boxes").GroupBy(c => c.Id[(c.Id.LastIndexOf("_top", StringComparison.Ordinal) + 4)..]))
            Figures(h, row, "boxes");
    }

    static void Online(StringBuilder h, ReportData d, IReadOnlyList<ReportChart> charts)
    {
        h.Append("<h2 id=\"online\">Online: prequential metrics of the Trainer</h2>");
        Missing(h, d, "online");
        if (d.Online is not { } on) return;
        h.Append($"<p class=\"note\">From {E(on.File)}: {on.Points.Count:N0} metrics lines. Each listen is scored by the model of that moment, then learnt from. " +
                 $"Window = the last {on.WindowSize:N0} labelled listens.</p>");
        h.Append("<table><tr><th>point</th><th>position</th><th>labelled</th><th>AUC</th><th>window AUC</th><th>member AUC</th><th>window member AUC</th><th>log loss</th><th>window log loss</th><th>accuracy</th><th>model version</th></tr>");
        void Row(string name, KkboxNcf.Trainer.Metrics.MetricsSnapshot s) =>
            h.Append($"<tr><td>{E(name)}</td><td>{s.Position:N0}</td><td>{s.Labeled:N0}</td><td>{F(s.Auc)}</td><td>{F(s.WindowAuc)}</td><td>{F(s.MemberAuc)}</td><td>{F(s.WindowMemberAuc)}</td>" +
                     $"<td>{F(s.LogLoss)}</td><td>{F(s.WindowLogLoss)}</td><td>{F(s.Accuracy)}</td><td>{s.ModelVersion:N0}</td></tr>");
        Row(on.FirstPassComplete ? "end of the first pass" : "end of the run (first pass not complete)", on.AtFirstPass);
        if (on.Last.Position != on.AtFirstPass.Position) Row("end of the run", on.Last);
        h.Append("</table>");
        Figures(h, charts.Where(c => c.Section == "online"));
    }

    static void Served(StringBuilder h, ReportData d, IReadOnlyList<ReportChart> charts)
    {
        h.Append("<h2 id=\"served\">Served quality: the Redis lists against later listens</h2>");
        Missing(h, d, "served");
        if (d.Served is not { } s) return;
        h.Append($"<table><tr><th>measure</th><th>value</th></tr>" +
                 $"<tr><td>Scorer instances</td><td>{s.Instances}</td></tr>" +
                 $"<tr><td>labelled listens seen</td><td>{s.Labeled:N0}</td></tr>" +
                 $"<tr><td>… with a list served before them</td><td>{s.Observed:N0}</td></tr>" +
                 $"<tr><td>… with no list yet</td><td>{s.NotServed:N0}</td></tr>" +
                 $"<tr><td>hit rate at {s.K}</td><td>{P(s.HitRateAtK)}</td></tr>" +
                 $"<tr><td>hit rate in the whole list ({s.ListSize})</td><td>{P(s.HitRateAtList)}</td></tr>" +
                 $"<tr><td>replays (target 1)</td><td>{s.Replays:N0}</td></tr>" +
                 $"<tr><td>replay hit rate at {s.K}</td><td>{P(s.ReplayHitRateAtK)}</td></tr>" +
                 $"<tr><td>replay hit rate in the whole list</td><td>{P(s.ReplayHitRateAtList)}</td></tr>" +
                 $"<tr><td>chance hit rate at {s.K} ({s.K} random songs of {(s.SongsKnown is { } n ? n.ToString("N0", CultureInfo.InvariantCulture) : "?")})</td><td>{P(s.ChanceHitRateAtK)}</td></tr>" +
                 (s.ShadowPopularHitRateAtK is null ? "" :
                     $"<tr><td>shadow, same listens: popular in the listen's tab, hit rate at {s.K}</td><td>{P(s.ShadowPopularHitRateAtK)}</td></tr>" +
                     $"<tr><td>shadow, same listens: most played, hit rate at {s.K}</td><td>{P(s.ShadowMostPlayedHitRateAtK)}</td></tr>" +
                     $"<tr><td>served / shadow popular</td><td>{(s.RatioToPopular is { } ratio ? ratio.ToString("0.00", CultureInfo.InvariantCulture) : "n/a")}</td></tr>" +
                     $"<tr><td>listens judged against a popular list the Scorer served</td><td>{s.ObservedPopular:N0}</td></tr>" +
                     $"<tr><td>listens with a model list: model hit rate at {s.K} / shadow popular</td><td>{P(s.ModelHitRateAtK)} / {P(s.ModelShadowPopularHitRateAtK)}</td></tr>") +
                 "</table>");
        Figures(h, charts.Where(c => c.Section == "served"));
    }

    static void Freshness(StringBuilder h, ReportData d, IReadOnlyList<ReportChart> charts)
    {
        h.Append("<h2 id=\"freshness\">Freshness: how soon a listen counts</h2>");
        Missing(h, d, "event_to_model");
        Missing(h, d, "event_to_list");
        var f = d.Freshness;
        if (f.EventToModel is null && f.EventToList is null) return;
        h.Append("<table><tr><th>path</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th>measured</th></tr>");
        foreach (var (name, p) in new[] { ("event to model", f.EventToModel), ("event to list", f.EventToList) })
            if (p is not null) h.Append($"<tr><td>{name}</td><td>{Ms(p.P50)}</td><td>{Ms(p.P95)}</td><td>{Ms(p.P99)}</td><td>{Ms(p.Max)}</td><td style=\"text-align:left\">{E(p.Measured)}</td></tr>");
        h.Append("</table>");
        Figures(h, charts.Where(c => c.Section == "freshness"));
    }

    static void Truth(StringBuilder h, ReportData d)
    {
        h.Append("<h2 id=\"truth\">Best reachable AUC of the generated data</h2>");
        Missing(h, d, "truth");
        if (d.Truth is not { } t) return;
        h.Append("<p class=\"note\">The generator writes each listen's true replay probability; scoring the labels with it gives the AUC no model can beat on this data.</p>");
        h.Append("<table><tr><th>listens</th><th>rows</th><th>positive rate</th><th>best reachable AUC</th></tr>");
        if (t.Stream is { } s) h.Append($"<tr><td>train.csv (the replayed stream)</td><td>{s.Rows:N0}</td><td>{P(s.PositiveRate)}</td><td>{F(s.BestAuc)}</td></tr>");
        if (d.Offline is { } o && t.OfflineTestSplit is { } ot) h.Append($"<tr><td>offline test rows</td><td>{o.Examples.Test:N0}</td><td></td><td>{F(ot)}</td></tr>");
        if (t.TestCsv is { } tc) h.Append($"<tr><td>test.csv (labels only the generator knows)</td><td>{tc.Rows:N0}</td><td>{P(tc.PositiveRate)}</td><td>{F(tc.BestAuc)}</td></tr>");
        h.Append("</table>");
    }
}
